package surveillance.flink;

/**
 * Positional arguments in the seed's order:
 * parallelism inputBootstrap inputTopic outputTopic outputBootstrap windowSeconds
 * [maxOutOfOrdernessMs [idleFlushMs [checkpointMs]]].
 */
public record JobArguments(int parallelism, String inputBootstrap, String inputTopic, String outputTopic,
                           String outputBootstrap, int windowSeconds, long maxOutOfOrdernessMs, long idleFlushMs,
                           long checkpointMs) {

    static final String USAGE = "usage: people-count-flink PARALLELISM INPUT_BOOTSTRAP INPUT_TOPIC OUTPUT_TOPIC "
            + "OUTPUT_BOOTSTRAP WINDOW_SECONDS [MAX_OUT_OF_ORDERNESS_MS=1000] [IDLE_FLUSH_MS=3000] [CHECKPOINT_MS=5000]";

    public static JobArguments parse(String[] a) {
        if (a.length < 6 || a.length > 9) {
            throw new IllegalArgumentException("expected 6 to 9 arguments, got " + a.length + "\n" + USAGE);
        }
        return new JobArguments(
                positive(a[0], "PARALLELISM"), bootstrap(a[1], "INPUT_BOOTSTRAP"), topic(a[2], "INPUT_TOPIC"),
                topic(a[3], "OUTPUT_TOPIC"), bootstrap(a[4], "OUTPUT_BOOTSTRAP"), positive(a[5], "WINDOW_SECONDS"),
                a.length > 6 ? nonNegative(a[6], "MAX_OUT_OF_ORDERNESS_MS") : 1000,
                a.length > 7 ? nonNegative(a[7], "IDLE_FLUSH_MS") : 3000,
                a.length > 8 ? positive(a[8], "CHECKPOINT_MS") : 5000);
    }

    private static int positive(String v, String name) {
        try {
            int n = Integer.parseInt(v);
            if (n > 0) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a positive integer, got '" + v + "'\n" + USAGE);
    }

    private static long nonNegative(String v, String name) {
        try {
            long n = Long.parseLong(v);
            if (n >= 0) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a non-negative integer, got '" + v + "'\n" + USAGE);
    }

    /** Accepts host:port lists, with or without the tcp:// prefix the seed's templates use. */
    private static String bootstrap(String v, String name) {
        String s = v.replace("tcp://", "").replace("PLAINTEXT://", "");
        if (!s.matches("[^,:\\s]+:\\d+(,[^,:\\s]+:\\d+)*")) {
            throw new IllegalArgumentException(name + " must be host:port[,host:port...], got '" + v + "'\n" + USAGE);
        }
        return s;
    }

    private static String topic(String v, String name) {
        if (!v.matches("[A-Za-z0-9._-]{1,249}")) {
            throw new IllegalArgumentException(name + " is not a valid Kafka topic name: '" + v + "'\n" + USAGE);
        }
        return v;
    }
}
