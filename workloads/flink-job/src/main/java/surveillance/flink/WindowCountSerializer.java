package surveillance.flink;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/** Writes a window total as JSON, keyed by camera so one camera's windows stay in one partition. */
public class WindowCountSerializer implements KafkaRecordSerializationSchema<WindowCount> {
    private final String topic;
    private transient ObjectMapper mapper;

    public WindowCountSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(WindowCount w, KafkaSinkContext ctx, Long timestamp) {
        if (mapper == null) mapper = new ObjectMapper();
        try {
            byte[] key = Integer.toString(w.camera).getBytes(StandardCharsets.UTF_8);
            return new ProducerRecord<>(topic, null, w.emitTs, key, mapper.writeValueAsBytes(w));
        } catch (Exception e) {
            throw new IllegalStateException("cannot serialize window " + w.camera + "@" + w.windowStart, e);
        }
    }
}
