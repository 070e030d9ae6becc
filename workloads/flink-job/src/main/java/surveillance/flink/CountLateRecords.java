package surveillance.flink;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives frames that arrived after their window was already emitted (later than the allowed
 * out-of-orderness): logs and counts them in the {@code lateRecords} metric so no drop is silent.
 */
public class CountLateRecords extends ProcessFunction<FrameResult, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(CountLateRecords.class);
    private transient Counter late;

    @Override
    public void open(OpenContext ctx) {
        late = getRuntimeContext().getMetricGroup().counter("lateRecords");
    }

    @Override
    public void processElement(FrameResult r, Context ctx, Collector<Void> out) {
        late.inc();
        LOG.warn("Late frame dropped from its window: camera {} seq {} sentTs {} (late so far: {})",
                r.camera, r.seq, r.sentTs, late.getCount());
    }
}
