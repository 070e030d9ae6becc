package surveillance.flink;

import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Adds the window bounds and emission time to the aggregated totals. */
public class StampWindow extends ProcessWindowFunction<WindowCount, WindowCount, String, TimeWindow> {
    @Override
    public void process(String key, Context ctx, Iterable<WindowCount> totals, Collector<WindowCount> out) {
        for (WindowCount w : totals) {
            w.windowStart = ctx.window().getStart();
            w.windowEnd = ctx.window().getEnd();
            w.emitTs = System.currentTimeMillis();
            out.collect(w);
        }
    }
}
