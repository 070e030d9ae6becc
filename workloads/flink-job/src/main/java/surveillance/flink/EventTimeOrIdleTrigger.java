package surveillance.flink;

import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * Fires a window when the watermark passes its end (the normal case), or, if the watermark stalls
 * because every camera stopped sending, once processing time reaches window end + idleFlushMs.
 * Without the fallback the last window of a run would never be emitted. Both paths purge, so a
 * window's totals are emitted once unless records arrive for it after a fallback firing.
 */
public class EventTimeOrIdleTrigger extends Trigger<Object, TimeWindow> {
    private final long idleFlushMs;
    private final ValueStateDescriptor<Long> timerDesc = new ValueStateDescriptor<>("idleFlushTimer", Types.LONG);

    public EventTimeOrIdleTrigger(long idleFlushMs) {
        this.idleFlushMs = idleFlushMs;
    }

    @Override
    public TriggerResult onElement(Object element, long timestamp, TimeWindow window, TriggerContext ctx) throws Exception {
        if (window.maxTimestamp() <= ctx.getCurrentWatermark()) {
            return TriggerResult.FIRE_AND_PURGE;
        }
        ctx.registerEventTimeTimer(window.maxTimestamp());
        ValueState<Long> timer = ctx.getPartitionedState(timerDesc);
        if (timer.value() == null) {
            // Processing time and event time share the epoch clock here (cameras stamp frames with it).
            long at = Math.max(ctx.getCurrentProcessingTime(), window.getEnd()) + idleFlushMs;
            ctx.registerProcessingTimeTimer(at);
            timer.update(at);
        }
        return TriggerResult.CONTINUE;
    }

    @Override
    public TriggerResult onEventTime(long time, TimeWindow window, TriggerContext ctx) {
        return time == window.maxTimestamp() ? TriggerResult.FIRE_AND_PURGE : TriggerResult.CONTINUE;
    }

    @Override
    public TriggerResult onProcessingTime(long time, TimeWindow window, TriggerContext ctx) throws Exception {
        ctx.getPartitionedState(timerDesc).clear();
        return TriggerResult.FIRE_AND_PURGE;
    }

    @Override
    public void clear(TimeWindow window, TriggerContext ctx) throws Exception {
        ctx.deleteEventTimeTimer(window.maxTimestamp());
        ValueState<Long> timer = ctx.getPartitionedState(timerDesc);
        if (timer.value() != null) {
            ctx.deleteProcessingTimeTimer(timer.value());
            timer.clear();
        }
    }

    @Override
    public String toString() {
        return "EventTimeOrIdleTrigger(" + idleFlushMs + "ms)";
    }
}
