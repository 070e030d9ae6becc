package surveillance.flink;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.time.Duration;

/**
 * Counts people per (area, camera) over tumbling event-time windows of the camera send time.
 * Delivery: at-least-once to the output topic (checkpointed source offsets + flushing sink);
 * see workloads/README.md.
 */
public final class PeopleCountJob {
    /** How long a Kafka partition must stay silent before the watermark leaves it out. */
    static final long IDLE_PARTITION_MS = 30_000;

    private PeopleCountJob() {}

    public static void main(String[] argv) throws Exception {
        JobArguments args;
        try {
            args = JobArguments.parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("people-count-flink: " + e.getMessage());
            System.exit(2);
            return;
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(args.parallelism());
        env.enableCheckpointing(args.checkpointMs(), CheckpointingMode.AT_LEAST_ONCE);

        KafkaSource<FrameResult> source = KafkaSource.<FrameResult>builder()
                .setBootstrapServers(args.inputBootstrap())
                .setTopics(args.inputTopic())
                .setGroupId("people-count-flink")
                // Start where the group left off; a new group reads the topic from its beginning.
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new FrameResultDeserializer())
                .build();

        WatermarkStrategy<FrameResult> watermarks = WatermarkStrategy
                .<FrameResult>forBoundedOutOfOrderness(Duration.ofMillis(args.maxOutOfOrdernessMs()))
                .withTimestampAssigner((r, ts) -> r.sentTs)
                // Partitions without cameras must not hold the watermark back for ever; but a partition
                // whose backlog the source has not fetched yet must not be taken for idle either, or the
                // others' watermark makes its frames late and they are dropped (seen: at job start, while
                // reading the cameras' backlog on a busy host, a 3 s idleness lost 8 % of one camera's
                // frames). Until a partition is declared idle, windows still come out through the
                // trigger's processing-time fallback, with every frame in them.
                .withIdleness(Duration.ofMillis(Math.max(IDLE_PARTITION_MS, args.idleFlushMs())));

        KafkaSink<WindowCount> sink = KafkaSink.<WindowCount>builder()
                .setBootstrapServers(args.outputBootstrap())
                .setRecordSerializer(new WindowCountSerializer(args.outputTopic()))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setProperty("acks", "all")
                .setProperty("linger.ms", "0")
                .build();

        OutputTag<FrameResult> lateTag = new OutputTag<>("late-frames", TypeInformation.of(FrameResult.class));
        SingleOutputStreamOperator<WindowCount> windows = env
                .fromSource(source, watermarks, "kafka:" + args.inputTopic())
                .keyBy(r -> r.area + "/" + r.camera)
                .window(TumblingEventTimeWindows.of(Duration.ofSeconds(args.windowSeconds())))
                .trigger(new EventTimeOrIdleTrigger(args.idleFlushMs() + args.maxOutOfOrdernessMs()))
                .sideOutputLateData(lateTag)
                .aggregate(new CountAggregate(), new StampWindow())
                .name("people-per-camera-window");
        windows.sinkTo(sink).name("kafka:" + args.outputTopic());
        windows.getSideOutput(lateTag).process(new CountLateRecords()).name("count-late-frames");

        env.execute("people-count " + args.windowSeconds() + "s windows");
    }
}
