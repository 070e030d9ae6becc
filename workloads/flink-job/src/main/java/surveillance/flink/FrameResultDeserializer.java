package surveillance.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * Parses input-topic records. A malformed record is logged and counted in the
 * {@code malformedRecords} metric, then skipped, so one bad producer cannot stop the job.
 */
public class FrameResultDeserializer implements KafkaRecordDeserializationSchema<FrameResult> {
    private static final Logger LOG = LoggerFactory.getLogger(FrameResultDeserializer.class);
    private transient ObjectMapper mapper;
    private transient Counter malformed;

    @Override
    public void open(org.apache.flink.api.common.serialization.DeserializationSchema.InitializationContext context) {
        mapper = new ObjectMapper();
        malformed = context.getMetricGroup().counter("malformedRecords");
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<FrameResult> out) {
        FrameResult parsed;
        try {
            parsed = parse(record.value());
        } catch (Exception e) {
            malformed.inc();
            LOG.warn("Skipping malformed record at {}-{}@{} (skipped so far: {}): {}",
                    record.topic(), record.partition(), record.offset(), malformed.getCount(), e.getMessage());
            return;
        }
        // Outside the try: a downstream failure must fail the task, not be mistaken for bad input.
        out.collect(parsed);
    }

    private FrameResult parse(byte[] value) throws Exception {
        if (value == null) throw new IllegalArgumentException("empty value");
        JsonNode n = mapper.readTree(new String(value, StandardCharsets.UTF_8));
        if (n == null || !n.isObject()) throw new IllegalArgumentException("not a JSON object");
        return new FrameResult(
                requireInt(n, "camera"), requireText(n, "area"), requireLong(n, "seq"),
                requireLong(n, "sentTs"), requireInt(n, "people"), requireInt(n, "truth"));
    }

    private static JsonNode field(JsonNode n, String name) {
        JsonNode f = n.get(name);
        if (f == null || f.isNull()) throw new IllegalArgumentException("missing field " + name);
        return f;
    }

    private static int requireInt(JsonNode n, String name) {
        JsonNode f = field(n, name);
        if (!f.canConvertToInt()) throw new IllegalArgumentException("field " + name + " is not an int");
        return f.intValue();
    }

    private static long requireLong(JsonNode n, String name) {
        JsonNode f = field(n, name);
        if (!f.canConvertToLong()) throw new IllegalArgumentException("field " + name + " is not a long");
        return f.longValue();
    }

    private static String requireText(JsonNode n, String name) {
        JsonNode f = field(n, name);
        if (!f.isTextual()) throw new IllegalArgumentException("field " + name + " is not a string");
        return f.textValue();
    }

    @Override
    public TypeInformation<FrameResult> getProducedType() {
        return TypeInformation.of(FrameResult.class);
    }
}
