<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About QueueScope</source>
        <translation>关于 QueueScope</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Python</source>
        <translation>Python</translation>
    </message>
    <message>
        <source>Qt</source>
        <translation>Qt</translation>
    </message>
    <message>
        <source>PySide6</source>
        <translation>PySide6</translation>
    </message>
    <message>
        <source>Start method</source>
        <translation>启动方式</translation>
    </message>
    <message>
        <source>{method} (Python&apos;s default here: {default})</source>
        <translation>{method}（此平台上 Python 的默认值：{default}）</translation>
    </message>
    <message>
        <source>CPUs</source>
        <translation>处理器数</translation>
    </message>
    <message numerus="yes">
        <source>%n CPU(s)</source>
        <translation>
            <numerusform>%n 个处理器</numerusform>
        </translation>
    </message>
    <message>
        <source>A lab that shows how Python multiprocessing work queues end: which loops finish, which deadlock, which lose items, and why.</source>
        <translation>一个演示 Python 多进程工作队列如何收尾的实验工具：哪些循环能正常结束、哪些会死锁、哪些会丢失条目，以及背后的原因。</translation>
    </message>
    <message>
        <source>Python docs: multiprocessing programming guidelines</source>
        <translation>Python 文档：multiprocessing 编程指导</translation>
    </message>
</context>
<context>
    <name>CellTableModel</name>
    <message>
        <source>Strategy</source>
        <translation>策略</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>启动方式</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>工作进程数</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>条目数</translation>
    </message>
    <message>
        <source>Fault</source>
        <translation>故障</translation>
    </message>
    <message>
        <source>Trials</source>
        <translation>试验数</translation>
    </message>
    <message>
        <source>Median elapsed (s)</source>
        <translation>耗时中位数（s）</translation>
    </message>
    <message>
        <source>Median items/s</source>
        <translation>吞吐量中位数（条目/s）</translation>
    </message>
    <message>
        <source>Explorer</source>
        <translation>探索器</translation>
    </message>
    <message>
        <source>What the explorer finds reachable at the cell&apos;s workers × items: the outcomes of a failing schedule, none (every schedule covered), or why it has no answer</source>
        <translation>探索器在该格的工作进程数 × 条目数下能到达的结果：失败调度的结果、无（所有调度都已覆盖且无失败），或无法给出答案的原因</translation>
    </message>
    <message>
        <source>Trials with outcome {outcome} (per flag: a deadlock + lost trial counts for both), its rate and 95 % Wilson interval</source>
        <translation>结果为 {outcome} 的试验数（按标记分别计数：同时为死锁 + 丢失的试验在两列中都计入），及其比例和 95 % 威尔逊置信区间</translation>
    </message>
    <message>
        <source>Median over the cell&apos;s trials</source>
        <translation>该单元所有试验的中位数</translation>
    </message>
    <message>
        <source>No trial yet</source>
        <translation>尚无试验</translation>
    </message>
    <message numerus="yes">
        <source>{count} of %n trials had {outcome}: {rate} (95 % Wilson interval). Double-click the row for its trials.</source>
        <translation>
            <numerusform>%n 次试验中有 {count} 次出现 {outcome}：{rate}（95 % 威尔逊置信区间）。双击该行可查看其试验。</numerusform>
        </translation>
    </message>
    <message>
        <source>{strategy}
queue: {queue}, start method: {start_method}, workers: {workers}, items: {items}, fault: {fault}</source>
        <translation>{strategy}
队列：{queue}，启动方式：{start_method}，工作进程数：{workers}，条目数：{items}，故障：{fault}</translation>
    </message>
    <message>
        <source>Strategy id: {id}</source>
        <translation>策略 id：{id}</translation>
    </message>
</context>
<context>
    <name>CompareDialog</name>
    <message>
        <source>Compare two runs</source>
        <translation>比较两次运行</translation>
    </message>
</context>
<context>
    <name>ExperimentController</name>
    <message>
        <source>the experiment failed: {error}</source>
        <translation>实验失败：{error}</translation>
    </message>
    <message>
        <source>the experiment ended without a result</source>
        <translation>实验结束但没有得到结果</translation>
    </message>
</context>
<context>
    <name>ExperimentLabels</name>
    <message>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>pool</source>
        <translation>进程池</translation>
    </message>
</context>
<context>
    <name>ExperimentTab</name>
    <message>
        <source>queue {value}</source>
        <translation>队列 {value}</translation>
    </message>
    <message>
        <source>start method {value}</source>
        <translation>启动方式 {value}</translation>
    </message>
    <message>
        <source>{value} workers</source>
        <translation>{value} 个工作进程</translation>
    </message>
    <message>
        <source>{value} items</source>
        <translation>{value} 个条目</translation>
    </message>
    <message>
        <source>fault {value}</source>
        <translation>故障 {value}</translation>
    </message>
    <message>
        <source>Start experiment</source>
        <translation>开始实验</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the trials in flight; every worker process is reaped</source>
        <translation>停止进行中的试验；所有工作进程都会被回收</translation>
    </message>
    <message>
        <source>No experiment yet</source>
        <translation>尚无实验</translation>
    </message>
    <message>
        <source>Not started</source>
        <translation>未开始</translation>
    </message>
    <message>
        <source>Double-click a cell&apos;s row for its trials</source>
        <translation>双击某个单元所在的行以查看其试验</translation>
    </message>
    <message>
        <source>Latency and throughput per cell</source>
        <translation>各单元的延迟与吞吐量</translation>
    </message>
    <message>
        <source>(medians)</source>
        <translation>（中位数）</translation>
    </message>
    <message>
        <source>Cells: count · rate [95 % Wilson interval] per outcome, per flag (a deadlock + lost trial counts for both). Double-click a row for its trials.</source>
        <translation>单元：按结果、按标记统计的次数 · 比率 [95 % 威尔逊区间]（结果为“死锁 + 丢失”的试验在两者中各计一次）。双击某一行以查看其试验。</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>启动中…</translation>
    </message>
    <message numerus="yes">
        <source>Experiment: %n cells × {trials} trials…</source>
        <translation>
            <numerusform>实验：%n 个单元 × {trials} 次试验…</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelling: stopping the trials in flight…</source>
        <translation>正在取消：停止进行中的试验…</translation>
    </message>
    <message>
        <source>Cancelling the experiment: stopping and reaping the workers…</source>
        <translation>正在取消实验：停止并回收工作进程…</translation>
    </message>
    <message>
        <source>{elapsed} elapsed  ·  ETA {eta}  ·  {running} running</source>
        <translation>已用 {elapsed}  ·  预计剩余 {eta}  ·  {running} 个正在运行</translation>
    </message>
    <message numerus="yes">
        <source>Cancelled after {done} of %n trials ({took}); trials cut short are not counted</source>
        <translation>
            <numerusform>已取消：完成了 %n 次试验中的 {done} 次（用时 {took}）；被中途打断的试验不计入</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Done: %n trials in {took}</source>
        <translation>
            <numerusform>完成：%n 次试验，用时 {took}</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not run: {reason}</source>
        <translation>无法运行：{reason}</translation>
    </message>
    <message>
        <source>Not run</source>
        <translation>未运行</translation>
    </message>
    <message>
        <source>The experiment could not start: {reason}</source>
        <translation>实验无法开始：{reason}</translation>
    </message>
    <message>
        <source>Run every trial of every cell (one experiment at a time)</source>
        <translation>运行每个单元的每次试验（同一时间只能进行一个实验）</translation>
    </message>
    <message>
        <source>Same in every cell: {parameters}</source>
        <translation>各单元相同：{parameters}</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message numerus="yes">
        <source>{done} / %n trials</source>
        <translation>
            <numerusform>{done} / %n 次试验</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ExploreController</name>
    <message>
        <source>the exploration failed: {error}</source>
        <translation>探索失败：{error}</translation>
    </message>
    <message>
        <source>the exploration ended without a result</source>
        <translation>探索结束，但没有结果</translation>
    </message>
</context>
<context>
    <name>ExplorePanel</name>
    <message>
        <source>Explore</source>
        <translation>探索</translation>
    </message>
    <message>
        <source>every schedule</source>
        <translation>所有调度</translation>
    </message>
    <message>
        <source>random (PCT)</source>
        <translation>随机（PCT）</translation>
    </message>
    <message>
        <source>Every schedule: a depth-first search over all interleavings (visited states once); random: PCT sampling, for sizes too large to enumerate</source>
        <translation>所有调度：对所有交错做深度优先搜索（每个已访问状态只走一次）；随机：PCT 抽样，用于规模太大、无法穷举的情形</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop the search; nothing is left running</source>
        <translation>停止搜索；不会留下任何正在运行的东西</translation>
    </message>
    <message>
        <source>Explore:</source>
        <translation>探索：</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>工作进程数</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>条目数</translation>
    </message>
    <message>
        <source>Search the interleavings of these workers and items for one that fails, or show there is none</source>
        <translation>搜索这些工作进程和条目的交错，找出会失败的一种，或说明不存在</translation>
    </message>
    <message>
        <source>Exploring…</source>
        <translation>正在探索…</translation>
    </message>
    <message>
        <source>Stopping the search…</source>
        <translation>正在停止搜索…</translation>
    </message>
    <message>
        <source>{schedules} schedules · {states} states · {rate} schedules/s</source>
        <translation>{schedules} 个调度 · {states} 个状态 · 每秒 {rate} 个调度</translation>
    </message>
    <message>
        <source>{schedules} schedules · {states} states in {elapsed} s</source>
        <translation>{schedules} 个调度 · {states} 个状态，用时 {elapsed} 秒</translation>
    </message>
</context>
<context>
    <name>ExploreView</name>
    <message>
        <source>took an item or sentinel</source>
        <translation>取到了一个条目或哨兵</translation>
    </message>
    <message>
        <source>looked at the queue</source>
        <translation>查看了队列</translation>
    </message>
    <message>
        <source>got Empty</source>
        <translation>得到 Empty</translation>
    </message>
    <message>
        <source>put</source>
        <translation>放入</translation>
    </message>
    <message>
        <source>blocked in get()</source>
        <translation>阻塞在 get() 中</translation>
    </message>
    <message>
        <source>Replay on real processes</source>
        <translation>在真实进程上重放</translation>
    </message>
    <message>
        <source>Run this schedule in step mode on real processes, step by step as found</source>
        <translation>在单步模式下、在真实进程上按找到的顺序逐步运行这个调度</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>隐藏</translation>
    </message>
    <message>
        <source>Why it fails: {diagnosis}</source>
        <translation>为什么会失败：{diagnosis}</translation>
    </message>
    <message>
        <source>Not confirmed on real processes: cancelled first</source>
        <translation>未在真实进程上确认：之前已取消</translation>
    </message>
</context>
<context>
    <name>FileMenu</name>
    <message>
        <source>Experiment spec (*.json *.toml);;JSON (*.json);;TOML (*.toml);;All files (*)</source>
        <translation>实验配置 (*.json *.toml);;JSON (*.json);;TOML (*.toml);;所有文件 (*)</translation>
    </message>
    <message>
        <source>CSV (*.csv);;All files (*)</source>
        <translation>CSV (*.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>JSON (*.json);;All files (*)</source>
        <translation>JSON (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Chrome trace JSON (*.json);;All files (*)</source>
        <translation>Chrome 跟踪数据 JSON (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Open experiment spec…</source>
        <translation>打开实验配置…</translation>
    </message>
    <message>
        <source>Save experiment spec…</source>
        <translation>保存实验配置…</translation>
    </message>
    <message>
        <source>Export records (CSV)…</source>
        <translation>导出记录（CSV）…</translation>
    </message>
    <message>
        <source>Export result (JSON)…</source>
        <translation>导出结果（JSON）…</translation>
    </message>
    <message>
        <source>Export trace (Perfetto / chrome://tracing)…</source>
        <translation>导出跟踪数据（Perfetto / chrome://tracing）…</translation>
    </message>
    <message>
        <source>Export experiment (JSON)…</source>
        <translation>导出实验（JSON）…</translation>
    </message>
    <message>
        <source>Export experiment cells (CSV)…</source>
        <translation>导出实验单元（CSV）…</translation>
    </message>
    <message>
        <source>Export trials (CSV)…</source>
        <translation>导出试验（CSV）…</translation>
    </message>
    <message>
        <source>Save plot as PNG</source>
        <translation>将图表保存为 PNG</translation>
    </message>
    <message>
        <source>Worker lanes, queue depth and throughput…</source>
        <translation>工作进程泳道、队列深度和吞吐量…</translation>
    </message>
    <message>
        <source>Experiment outcome chart…</source>
        <translation>实验结果图…</translation>
    </message>
    <message>
        <source>Experiment latency and throughput chart…</source>
        <translation>实验延迟与吞吐量图…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>{problem}: {detail}</source>
        <translation>{problem}：{detail}</translation>
    </message>
    <message>
        <source>Open experiment spec</source>
        <translation>打开实验配置</translation>
    </message>
    <message>
        <source>Could not open the experiment spec</source>
        <translation>无法打开实验配置</translation>
    </message>
    <message>
        <source>Opened experiment spec {path}</source>
        <translation>已打开实验配置 {path}</translation>
    </message>
    <message>
        <source>The experiment spec is not valid</source>
        <translation>实验配置无效</translation>
    </message>
    <message>
        <source>Save experiment spec</source>
        <translation>保存实验配置</translation>
    </message>
    <message>
        <source>Could not write the experiment spec to {path}</source>
        <translation>无法将实验配置写入 {path}</translation>
    </message>
    <message>
        <source>Saved the experiment spec to {path}</source>
        <translation>已将实验配置保存到 {path}</translation>
    </message>
    <message>
        <source>Export records</source>
        <translation>导出记录</translation>
    </message>
    <message>
        <source>Could not write the records to {path}</source>
        <translation>无法将记录写入 {path}</translation>
    </message>
    <message>
        <source>Saved the records to {path}</source>
        <translation>已将记录保存到 {path}</translation>
    </message>
    <message>
        <source>Export result</source>
        <translation>导出结果</translation>
    </message>
    <message>
        <source>Could not write the result to {path}</source>
        <translation>无法将结果写入 {path}</translation>
    </message>
    <message>
        <source>Saved the result to {path}</source>
        <translation>已将结果保存到 {path}</translation>
    </message>
    <message>
        <source>Export trace</source>
        <translation>导出跟踪数据</translation>
    </message>
    <message>
        <source>Could not write the trace to {path}</source>
        <translation>无法将跟踪数据写入 {path}</translation>
    </message>
    <message>
        <source>Saved the trace to {path}</source>
        <translation>已将跟踪数据保存到 {path}</translation>
    </message>
    <message>
        <source>Export experiment</source>
        <translation>导出实验</translation>
    </message>
    <message>
        <source>Could not write the experiment to {path}</source>
        <translation>无法将实验写入 {path}</translation>
    </message>
    <message>
        <source>Saved the experiment to {path}</source>
        <translation>已将实验保存到 {path}</translation>
    </message>
    <message>
        <source>Export experiment cells</source>
        <translation>导出实验单元</translation>
    </message>
    <message>
        <source>Could not write the experiment cells to {path}</source>
        <translation>无法将实验单元写入 {path}</translation>
    </message>
    <message>
        <source>Saved the experiment cells to {path}</source>
        <translation>已将实验单元保存到 {path}</translation>
    </message>
    <message>
        <source>Export trials</source>
        <translation>导出试验</translation>
    </message>
    <message>
        <source>Could not write the trials to {path}</source>
        <translation>无法将试验写入 {path}</translation>
    </message>
    <message>
        <source>Saved the trials to {path}</source>
        <translation>已将试验保存到 {path}</translation>
    </message>
    <message>
        <source>Save worker lanes</source>
        <translation>保存工作进程泳道</translation>
    </message>
    <message>
        <source>Save outcome chart</source>
        <translation>保存结果图</translation>
    </message>
    <message>
        <source>Save latency chart</source>
        <translation>保存延迟图</translation>
    </message>
    <message>
        <source>Qt could not write the PNG image</source>
        <translation>Qt 无法写入 PNG 图像</translation>
    </message>
    <message>
        <source>Could not save the plot to {path}</source>
        <translation>无法将图表保存到 {path}</translation>
    </message>
    <message>
        <source>Saved the plot to {path}</source>
        <translation>已将图表保存到 {path}</translation>
    </message>
</context>
<context>
    <name>FilteredItemTable</name>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n 个条目</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{shown} of %n item(s)</source>
        <translation>
            <numerusform>{shown} / %n 个条目</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ForceItLinks</name>
    <message>
        <source>Force it in step mode</source>
        <translation>在单步模式中强制触发</translation>
    </message>
    <message>
        <source>Force it in step mode ({name})</source>
        <translation>在单步模式中强制触发（{name}）</translation>
    </message>
</context>
<context>
    <name>ForceRace</name>
    <message>
        <source>A run is going: try the schedule once it has ended</source>
        <translation>有运行正在进行：请在它结束后再试这个调度</translation>
    </message>
</context>
<context>
    <name>ForceRaceDialog</name>
    <message>
        <source>Force the race</source>
        <translation>强制触发竞争</translation>
    </message>
    <message>
        <source>Try it</source>
        <translation>试一试</translation>
    </message>
    <message>
        <source>Load {file} into step mode and replay it</source>
        <translation>把 {file} 载入单步模式并重放</translation>
    </message>
    <message>
        <source>A race shows up by chance in a free run. Step mode lets you choose who moves: these clicks force it every time, on real processes. Try it loads the schedule into step mode, replays it, and then waits for your next click.</source>
        <translation>在自由运行中，竞争只是偶然出现。单步模式让你决定谁先走：按这些步骤点击，每次都能在真实进程上触发它。“试一试”会把调度载入单步模式、重放它，然后等待你的下一次点击。</translation>
    </message>
    <message numerus="yes">
        <source>%n worker(s)</source>
        <translation>
            <numerusform>%n 个工作进程</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n 个条目</numerusform>
        </translation>
    </message>
    <message>
        <source>After the last step, still blocked in get(): {workers}</source>
        <translation>最后一步之后，仍阻塞在 get() 中：{workers}</translation>
    </message>
    <message>
        <source>{who} puts {what}; %n in the queue</source>
        <translation>{who} 放入 {what}；队列中有 %n 个</translation>
    </message>
    <message>
        <source>the queue is empty: {operation} raises Empty</source>
        <translation>队列为空：{operation} 抛出 Empty</translation>
    </message>
    <message>
        <source>{who} takes {what}; %n left in the queue</source>
        <translation>{who} 取走 {what}；队列中还剩 %n 个</translation>
    </message>
    <message>
        <source>the queue is empty, so {who} waits in get()</source>
        <translation>队列为空，所以 {who} 在 get() 中等待</translation>
    </message>
    <message>
        <source>{other} took {what} at step {taken}: the queue is empty, so {who} waits in get()</source>
        <translation>{other} 在第 {taken} 步取走了 {what}：队列为空，所以 {who} 在 get() 中等待</translation>
    </message>
    <message>
        <source>{who}&apos;s check at step {checked} found the queue not empty, but {other} took {what} at step {taken}: {who} waits in get() on an empty queue</source>
        <translation>{who} 在第 {checked} 步检查时队列不为空，但 {other} 在第 {taken} 步取走了 {what}：{who} 在空队列上的 get() 中等待</translation>
    </message>
    <message>
        <source>the queue is empty</source>
        <translation>队列为空</translation>
    </message>
    <message>
        <source>%n in the queue</source>
        <translation>队列中有 %n 个</translation>
    </message>
</context>
<context>
    <name>HistoryMenu</name>
    <message>
        <source>Run history</source>
        <translation>运行历史</translation>
    </message>
    <message>
        <source>No runs yet</source>
        <translation>尚无运行</translation>
    </message>
    <message>
        <source>Compare two runs…</source>
        <translation>比较两次运行…</translation>
    </message>
</context>
<context>
    <name>ItemTableModel</name>
    <message>
        <source>Item</source>
        <translation>条目</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>工作进程</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>进程 ID</translation>
    </message>
    <message>
        <source>Taken at (s)</source>
        <translation>取走时刻（s）</translation>
    </message>
    <message>
        <source>Processing (ms)</source>
        <translation>处理耗时（ms）</translation>
    </message>
    <message>
        <source>Times processed</source>
        <translation>处理次数</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>All items</source>
        <translation>全部条目</translation>
    </message>
    <message>
        <source>Lost (dropped or left in queue)</source>
        <translation>丢失（被丢弃或遗留在队列中）</translation>
    </message>
    <message>
        <source>Duplicated</source>
        <translation>重复处理</translation>
    </message>
    <message>
        <source>Lost or duplicated</source>
        <translation>丢失或重复处理</translation>
    </message>
    <message>
        <source>status {code}</source>
        <translation>状态 {code}</translation>
    </message>
</context>
<context>
    <name>LanesBox</name>
    <message>
        <source>No worker ever ran, so there are no lanes or plots to draw: the verdict above says why.</source>
        <translation>没有任何工作进程运行过，因此没有可绘制的泳道或图表：上方的结论说明了原因。</translation>
    </message>
</context>
<context>
    <name>LogPanel</name>
    <message>
        <source>log: the monitor looks every {ms} ms; takes between two looks are not listed; every item is in the table</source>
        <translation>日志：监视器每 {ms} 毫秒查看一次；两次查看之间的取走不会列出；所有条目都在表格中</translation>
    </message>
    <message>
        <source>log: the last {shown} of {total} events, with every crash, proof, exit and empty() answer; every item is in the table</source>
        <translation>日志：{total} 个事件中的最后 {shown} 个，包含每一次崩溃、证明、退出和 empty() 的返回值；所有条目都在表格中</translation>
    </message>
    <message>
        <source>main</source>
        <translation>主进程</translation>
    </message>
    <message>
        <source>worker {number}</source>
        <translation>工作进程 {number}</translation>
    </message>
    <message>
        <source>verdict</source>
        <translation>结论</translation>
    </message>
</context>
<context>
    <name>LoopController</name>
    <message>
        <source>checking the loop file failed: {error}</source>
        <translation>检查循环文件失败：{error}</translation>
    </message>
    <message>
        <source>the check of the loop file ended without a result</source>
        <translation>循环文件的检查结束了，但没有结果</translation>
    </message>
</context>
<context>
    <name>LoopEditor</name>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Write the loop file; it is checked again</source>
        <translation>写入循环文件；写入后会再检查一次</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>Write the loop to another file and use that one</source>
        <translation>把循环写入另一个文件，并改用那个文件</translation>
    </message>
    <message>
        <source>Checking the loop file (importing it in a child)…</source>
        <translation>正在检查循环文件（在子进程中导入它）…</translation>
    </message>
    <message>
        <source>line {line}, column {column}: {message}</source>
        <translation>第 {line} 行，第 {column} 列：{message}</translation>
    </message>
</context>
<context>
    <name>LoopFiles</name>
    <message>
        <source>Open loop file</source>
        <translation>打开循环文件</translation>
    </message>
    <message>
        <source>Save loop file</source>
        <translation>保存循环文件</translation>
    </message>
    <message>
        <source>New loop</source>
        <translation>新建循环</translation>
    </message>
    <message>
        <source>Start from a copy of:</source>
        <translation>从以下内置策略的副本开始：</translation>
    </message>
    <message>
        <source>My copy of {title}</source>
        <translation>我的 {title} 副本</translation>
    </message>
    <message>
        <source>Could not write {path}: {reason}</source>
        <translation>无法写入 {path}：{reason}</translation>
    </message>
    <message>
        <source>Checking the loop file {path}…</source>
        <translation>正在检查循环文件 {path}…</translation>
    </message>
    <message>
        <source>Loop file ready: {path}</source>
        <translation>循环文件已就绪：{path}</translation>
    </message>
    <message>
        <source>Could not open the loop file: {reason}</source>
        <translation>无法打开循环文件：{reason}</translation>
    </message>
    <message>
        <source>— {group} —</source>
        <translation>— {group} —</translation>
    </message>
    <message>
        <source>{name} (cannot be read)</source>
        <translation>{name}（无法读取）</translation>
    </message>
    <message>
        <source>Open loop file…</source>
        <translation>打开循环文件…</translation>
    </message>
    <message>
        <source>Run your own loop: a Python file with def loop(q, process, opts)</source>
        <translation>运行你自己的循环：一个含有 def loop(q, process, opts) 的 Python 文件</translation>
    </message>
    <message>
        <source>New loop…</source>
        <translation>新建循环…</translation>
    </message>
    <message>
        <source>Start a loop file from a copy of a built-in, to edit</source>
        <translation>从某个内置策略的副本新建循环文件，以便编辑</translation>
    </message>
    <message>
        <source>the loop file has unsaved changes: save it to run it</source>
        <translation>循环文件有未保存的修改：保存后才能运行</translation>
    </message>
    <message>
        <source>the loop file is being checked…</source>
        <translation>正在检查循环文件…</translation>
    </message>
    <message>
        <source>{path} changed on disk; Save here writes over it</source>
        <translation>{path} 在磁盘上已被修改；在这里保存会覆盖它</translation>
    </message>
    <message>
        <source>{path} changed on disk: reloaded</source>
        <translation>{path} 在磁盘上已被修改：已重新载入</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>{rate} item/s</source>
        <translation>{rate} 条目/s</translation>
    </message>
    <message>
        <source>{rate} items/s</source>
        <translation>{rate} 条目/s</translation>
    </message>
    <message>
        <source>QueueScope: how multiprocessing work queues end</source>
        <translation>QueueScope：多进程工作队列如何收尾</translation>
    </message>
    <message>
        <source>A run of the history: {outcomes}</source>
        <translation>运行历史中的一次运行：{outcomes}</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the run; every worker process is reaped ({shortcut})</source>
        <translation>停止运行；所有工作进程都会被回收（{shortcut}）</translation>
    </message>
    <message>
        <source>Not started</source>
        <translation>未开始</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Experiment</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>Running {strategy}…</source>
        <translation>正在运行 {strategy}…</translation>
    </message>
    <message>
        <source>Cancelling: stopping and reaping the workers…</source>
        <translation>正在取消：停止并回收工作进程…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>The language changes when QueueScope starts again.</source>
        <translation>语言将在 QueueScope 重新启动后更改。</translation>
    </message>
    <message>
        <source>Restarting now cancels the run or experiment.</source>
        <translation>立即重启会取消当前的运行或实验。</translation>
    </message>
    <message>
        <source>Restart now</source>
        <translation>立即重启</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <source>Keep the results on screen (shown again after the restart)</source>
        <translation>保留屏幕上的结果（重启后再次显示）</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>What is this?</source>
        <translation>这是什么？</translation>
    </message>
    <message>
        <source>Outcomes</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>About QueueScope</source>
        <translation>关于 QueueScope</translation>
    </message>
    <message>
        <source>Starting workers…</source>
        <translation>正在启动工作进程…</translation>
    </message>
    <message>
        <source>Finished: {outcomes}</source>
        <translation>已结束：{outcomes}</translation>
    </message>
    <message>
        <source>Not run</source>
        <translation>未运行</translation>
    </message>
    <message>
        <source>The run could not start</source>
        <translation>运行无法开始</translation>
    </message>
    <message>
        <source>An experiment is going: one run or experiment at a time</source>
        <translation>正在进行实验：同一时间只能进行一次运行或一个实验</translation>
    </message>
    <message>
        <source>A single run is going: one run or experiment at a time</source>
        <translation>正在进行单次运行：同一时间只能进行一次运行或一个实验</translation>
    </message>
    <message>
        <source>{processed} / {items} processed</source>
        <translation>已处理 {processed} / {items}</translation>
    </message>
    <message>
        <source>Settings reset to defaults (corrupted or out of range): {settings}</source>
        <translation>设置已重置为默认值（已损坏或超出范围）：{settings}</translation>
    </message>
    <message>
        <source>A run is going: the trial is not loaded into the Run tab</source>
        <translation>正在进行一次运行：该试验不会载入“运行”选项卡</translation>
    </message>
    <message>
        <source>Showing a trial of the experiment (seed {seed}): {outcomes}</source>
        <translation>正在显示实验中的一次试验（种子 {seed}）：{outcomes}</translation>
    </message>
    <message>
        <source>Could not keep the results for the restart</source>
        <translation>无法为重启保留结果</translation>
    </message>
    <message>
        <source>Start the run ({shortcut})</source>
        <translation>开始运行（{shortcut}）</translation>
    </message>
    <message>
        <source>{rate}  ·  {elapsed} s elapsed  ·  {phase}</source>
        <translation>{rate}  ·  已用 {elapsed} s  ·  {phase}</translation>
    </message>
    <message>
        <source>The results on screen before the restart</source>
        <translation>重启前屏幕上显示的结果</translation>
    </message>
    <message>
        <source>Still stopping the run; the window closes when it ends</source>
        <translation>仍在停止运行；运行结束后窗口将关闭</translation>
    </message>
    <message>
        <source>Could not show the results kept over the restart: {reason}</source>
        <translation>无法显示重启前保留的结果：{reason}</translation>
    </message>
    <message>
        <source>Force the race</source>
        <translation>强制触发竞争</translation>
    </message>
</context>
<context>
    <name>OpenActions</name>
    <message>
        <source>Open result…</source>
        <translation>打开结果…</translation>
    </message>
    <message>
        <source>Open experiment…</source>
        <translation>打开实验…</translation>
    </message>
    <message>
        <source>Recent</source>
        <translation>最近打开</translation>
    </message>
    <message>
        <source>Open result</source>
        <translation>打开结果</translation>
    </message>
    <message>
        <source>Open experiment</source>
        <translation>打开实验</translation>
    </message>
    <message>
        <source>Could not open the result</source>
        <translation>无法打开结果</translation>
    </message>
    <message>
        <source>Opened result {path}</source>
        <translation>已打开结果 {path}</translation>
    </message>
    <message>
        <source>Could not open the experiment</source>
        <translation>无法打开实验</translation>
    </message>
    <message>
        <source>Opened experiment {path}</source>
        <translation>已打开实验 {path}</translation>
    </message>
    <message>
        <source>result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>experiment</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>spec</source>
        <translation>实验配置</translation>
    </message>
    <message>
        <source>{name} ({kind})</source>
        <translation>{name}（{kind}）</translation>
    </message>
    <message>
        <source>No recent files</source>
        <translation>没有最近打开的文件</translation>
    </message>
    <message>
        <source>Clear the list</source>
        <translation>清空列表</translation>
    </message>
    <message>
        <source>Removed from Recent (the file is gone): {paths}</source>
        <translation>已从“最近打开”中移除（文件已不存在）：{paths}</translation>
    </message>
</context>
<context>
    <name>OutcomeChart</name>
    <message>
        <source>% of trials</source>
        <translation>试验占比（%）</translation>
    </message>
    <message>
        <source>Outcome per strategy</source>
        <translation>各策略的结果</translation>
    </message>
    <message>
        <source>(each trial&apos;s headline outcome; 100 % a bar)</source>
        <translation>（每次试验的主要结果；每根条形合计 100 %）</translation>
    </message>
</context>
<context>
    <name>Outcomes</name>
    <message>
        <source>every item was processed exactly once and every worker exited</source>
        <translation>每个条目都恰好被处理了一次，且每个工作进程都已退出</translation>
    </message>
    <message>
        <source>proven stuck: workers wait in get() on an empty queue that nothing will fill again (the producer is done); without the lab the run would hang forever</source>
        <translation>已证明卡死：工作进程在一个再也不会有条目放入的空队列上等待 get()（生产者已经结束）；如果没有本实验工具，这次运行将永远挂起</translation>
    </message>
    <message>
        <source>no progress for the watchdog&apos;s time and no proof of deadlock (a stopped worker, a slow main process)</source>
        <translation>在看门狗设定的时间内没有任何进展，也无法证明发生了死锁（例如某个工作进程被暂停，或主进程过慢）</translation>
    </message>
    <message>
        <source>some items were never processed: taken and dropped by a worker, or left in the queue after every worker had gone</source>
        <translation>有些条目从未被处理：被某个工作进程取走后丢弃，或在所有工作进程都退出后仍遗留在队列中</translation>
    </message>
    <message>
        <source>some items were processed more than once</source>
        <translation>有些条目被处理了不止一次</translation>
    </message>
    <message>
        <source>a worker or the main process died or raised: an exception, a signal, or a task that never reached a process</source>
        <translation>某个工作进程或主进程意外终止或抛出异常：原因可能是异常、信号，或某个任务从未送达任何进程</translation>
    </message>
    <message>
        <source>you stopped the run before it ended; the items it did not process are counted, not called lost</source>
        <translation>你在运行结束前停止了它；未处理的条目只计数，不算作丢失</translation>
    </message>
</context>
<context>
    <name>OutcomesPage</name>
    <message>
        <source>Outcomes</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>A run ends with one or more outcomes, the headline first (&quot;deadlock + lost&quot;). Each is decided from recorded evidence, never guessed from time alone.</source>
        <translation>一次运行以一个或多个结果结束，主要结果排在最前（如“死锁 + 丢失”）。每个结果都依据记录下来的证据判定，绝不只凭时间猜测。</translation>
    </message>
</context>
<context>
    <name>ParamsPanel</name>
    <message>
        <source>none: the pool feeds the items</source>
        <translation>无：由进程池分发条目</translation>
    </message>
    <message>
        <source>spawn (fresh interpreter)</source>
        <translation>spawn（全新的解释器）</translation>
    </message>
    <message>
        <source>forkserver (forks a clean server)</source>
        <translation>forkserver（由一个干净的服务进程派生）</translation>
    </message>
    <message>
        <source>prefill: all items, then start workers</source>
        <translation>预填充：先放入全部条目，再启动工作进程</translation>
    </message>
    <message>
        <source>concurrent: start workers, then put</source>
        <translation>并发：先启动工作进程，再放入条目</translation>
    </message>
    <message>
        <source>sleep</source>
        <translation>休眠</translation>
    </message>
    <message>
        <source>busy CPU</source>
        <translation>忙循环（占用处理器）</translation>
    </message>
    <message>
        <source>kill</source>
        <translation>杀死</translation>
    </message>
    <message>
        <source>raise</source>
        <translation>抛出异常</translation>
    </message>
    <message>
        <source>stop</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>unpicklable</source>
        <translation>不可序列化</translation>
    </message>
    <message>
        <source>big-payload</source>
        <translation>大负载</translation>
    </message>
    <message>
        <source>slow</source>
        <translation>慢速</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>fork is not offered: a window has threads, and forking a threaded process can copy held locks into the child</source>
        <translation>不提供 fork：窗口程序本身有多个线程，而对多线程进程执行 fork 可能会把已被持有的锁复制到子进程中</translation>
    </message>
    <message>
        <source>as fast as possible</source>
        <translation>尽可能快</translation>
    </message>
    <message>
        <source> items/s</source>
        <translation> 条目/s</translation>
    </message>
    <message>
        <source>A run with no progress for this long, and no proof of deadlock, is &apos;stalled&apos;</source>
        <translation>一次运行若在这么长时间内毫无进展，又没有死锁的证据，就判定为“停滞”</translation>
    </message>
    <message>
        <source>No injected fault</source>
        <translation>不注入故障</translation>
    </message>
    <message>
        <source>{help}; expected outcome: {outcome}</source>
        <translation>{help}；预期结果：{outcome}</translation>
    </message>
    <message>
        <source>Inject a fault on purpose (core.faults)</source>
        <translation>有意注入一个故障（core.faults）</translation>
    </message>
    <message>
        <source>ARG of the fault: the item, the bytes or the worker</source>
        <translation>故障的 ARG：条目、字节数或工作进程</translation>
    </message>
    <message>
        <source>Strategy</source>
        <translation>策略</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>条目数</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>工作进程数</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Start method</source>
        <translation>启动方式</translation>
    </message>
    <message>
        <source>Producer</source>
        <translation>生产者</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>速率</translation>
    </message>
    <message>
        <source>Work per item</source>
        <translation>每个条目的工作量</translation>
    </message>
    <message>
        <source>Work kind</source>
        <translation>工作类型</translation>
    </message>
    <message>
        <source>Jitter</source>
        <translation>抖动</translation>
    </message>
    <message>
        <source>Watchdog</source>
        <translation>看门狗</translation>
    </message>
    <message>
        <source>get() timeout</source>
        <translation>get() 超时</translation>
    </message>
    <message>
        <source>Chunksize</source>
        <translation>chunksize</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Fault</source>
        <translation>故障</translation>
    </message>
    <message>
        <source>The worker loop and how the main process ends the run; hover a choice for its id and what it does</source>
        <translation>工作进程的循环，以及主进程如何结束这次运行；将鼠标悬停在某个选项上可查看其 id 及作用</translation>
    </message>
    <message>
        <source>The queue the items go through (only those the strategy can use); a pool strategy has no queue of its own</source>
        <translation>条目所经过的队列（仅列出该策略能用的）；进程池策略没有自己的队列</translation>
    </message>
    <message>
        <source>— {group} —</source>
        <translation>— {group} —</translation>
    </message>
    <message>
        <source>all parameters (together they are invalid: {error})</source>
        <translation>全部参数（组合在一起无效：{error}）</translation>
    </message>
</context>
<context>
    <name>PlotExport</name>
    <message>
        <source>Worker lanes, queue depth and throughput</source>
        <translation>工作进程泳道、队列深度和吞吐量</translation>
    </message>
</context>
<context>
    <name>PreviousRunMark</name>
    <message>
        <source>Previous run: the parameters have changed since it ran. Press Start to run these parameters.</source>
        <translation>上一次运行：此后参数已被修改。点击“开始”以按这些参数运行。</translation>
    </message>
</context>
<context>
    <name>RedisServerRows</name>
    <message>
        <source>empty: the lab&apos;s own server</source>
        <translation>留空：使用本实验室自己的服务器</translation>
    </message>
    <message>
        <source>A shared Redis server (redis://HOST:PORT/DB or unix:///PATH) that workers on other hosts can reach; never put the password in it</source>
        <translation>其他主机上的工作进程能够连接的共享 Redis 服务器（redis://HOST:PORT/DB 或 unix:///PATH）；切勿把密码写进去</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>A file whose first line is the server&apos;s password</source>
        <translation>第一行是服务器密码的文件</translation>
    </message>
    <message>
        <source>No password file</source>
        <translation>不用密码文件</translation>
    </message>
    <message>
        <source>How many of the run&apos;s workers join from other hosts (main.py worker)</source>
        <translation>本次运行中有多少个工作进程从其他主机加入（`main.py worker`）</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>How long Start waits for the remote workers before it gives up</source>
        <translation>“开始”等待远程工作进程多久后放弃</translation>
    </message>
    <message>
        <source>Redis server</source>
        <translation>Redis 服务器</translation>
    </message>
    <message>
        <source>Password file</source>
        <translation>密码文件</translation>
    </message>
    <message>
        <source>Remote workers</source>
        <translation>远程工作进程</translation>
    </message>
    <message>
        <source>Wait for them</source>
        <translation>等待时长</translation>
    </message>
    <message>
        <source>Do not put the password in the URL ({url}): choose a password file, or set {variable} before starting QueueScope</source>
        <translation>不要把密码写进 URL（{url}）：请选择密码文件，或在启动 QueueScope 之前设置 `{variable}`</translation>
    </message>
    <message>
        <source>The Redis server&apos;s password file</source>
        <translation>Redis 服务器的密码文件</translation>
    </message>
    <message>
        <source>none: from the environment</source>
        <translation>无：取自环境变量</translation>
    </message>
    <message>
        <source>With no file, {variable} gives the password</source>
        <translation>没有文件时，密码取自 `{variable}`</translation>
    </message>
    <message>
        <source>none: no password</source>
        <translation>无：不用密码</translation>
    </message>
    <message>
        <source>With no file, the server gets no password (or set {variable})</source>
        <translation>没有文件时，连接服务器不带密码（或设置 `{variable}`）</translation>
    </message>
    <message>
        <source>The password comes from this file&apos;s first line; it is never saved or shown</source>
        <translation>密码取自此文件的第一行；它从不保存，也从不显示</translation>
    </message>
    <message>
        <source>Remote workers need a shared server&apos;s URL: the lab&apos;s own server listens on a Unix socket on this machine, which other hosts cannot reach</source>
        <translation>远程工作进程需要共享服务器的 URL：本实验室自己的服务器只监听本机的 Unix 套接字，其他主机无法连接</translation>
    </message>
    <message>
        <source>The password was taken out of the URL: choose a password file, or set {variable} before starting QueueScope</source>
        <translation>密码已从 URL 中移除：请选择密码文件，或在启动 QueueScope 之前设置 `{variable}`</translation>
    </message>
    <message>
        <source>The last {count} workers join from other hosts: Start shows the command to run there</source>
        <translation>最后 {count} 个工作进程从其他主机加入：“开始”会显示要在那里运行的命令</translation>
    </message>
</context>
<context>
    <name>RemoteWaitBox</name>
    <message>
        <source>Waiting for remote workers</source>
        <translation>正在等待远程工作进程</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the command to the clipboard</source>
        <translation>把命令复制到剪贴板</translation>
    </message>
    <message>
        <source>The password is not in the command: on the other host, give it with --redis-password-file FILE or the {variable} environment variable.</source>
        <translation>命令中不含密码：请在另一台主机上用 `--redis-password-file FILE` 或环境变量 `{variable}` 提供它。</translation>
    </message>
    <message>
        <source>Stop waiting</source>
        <translation>停止等待</translation>
    </message>
    <message>
        <source>End the wait and the run; nothing is left running</source>
        <translation>结束等待和本次运行；不会留下任何仍在运行的东西</translation>
    </message>
    <message>
        <source>Run {run} waits up to {seconds} s for {count} workers from other hosts. On each of them, run:</source>
        <translation>运行 {run} 最多等待 {seconds} 秒，等 {count} 个来自其他主机的工作进程。请在每台主机上运行：</translation>
    </message>
    <message>
        <source>{joined} of {count} joined</source>
        <translation>已加入 {joined} / {count}</translation>
    </message>
    <message>
        <source>Remote workers: all joined</source>
        <translation>远程工作进程：全部已加入</translation>
    </message>
</context>
<context>
    <name>ResultFiles</name>
    <message>
        <source>The file is {size} MB; results up to {limit} MB are opened.</source>
        <translation>该文件大小为 {size} MB；只能打开不超过 {limit} MB 的结果。</translation>
    </message>
    <message>
        <source>The file is too big to be a result.</source>
        <translation>该文件太大，不可能是结果文件。</translation>
    </message>
    <message>
        <source>The file is not UTF-8 text.</source>
        <translation>该文件不是 UTF-8 文本。</translation>
    </message>
    <message>
        <source>Not valid JSON at line {line}, column {column}: {error}</source>
        <translation>无效的 JSON，位于第 {line} 行第 {column} 列：{error}</translation>
    </message>
    <message>
        <source>The JSON is nested too deeply.</source>
        <translation>该 JSON 的嵌套层级太深。</translation>
    </message>
    <message>
        <source>The JSON has {token}, which strict JSON does not allow.</source>
        <translation>该 JSON 包含 {token}，而严格的 JSON 不允许这样。</translation>
    </message>
    <message>
        <source>The JSON repeats a key in an object.</source>
        <translation>该 JSON 的某个对象中有重复的键。</translation>
    </message>
    <message>
        <source>This is not a run result QueueScope can show:</source>
        <translation>这不是 QueueScope 能显示的运行结果：</translation>
    </message>
    <message>
        <source>This is not an experiment result QueueScope can show:</source>
        <translation>这不是 QueueScope 能显示的实验结果：</translation>
    </message>
</context>
<context>
    <name>RunController</name>
    <message>
        <source>the run failed: {error}</source>
        <translation>运行失败：{error}</translation>
    </message>
    <message>
        <source>the run ended without a result</source>
        <translation>运行结束但没有得到结果</translation>
    </message>
</context>
<context>
    <name>RunHistory</name>
    <message>
        <source>Run {number}: {strategy}, {outcomes} ({time})</source>
        <translation>第 {number} 次运行：{strategy}，{outcomes}（{time}）</translation>
    </message>
    <message>
        <source>(item records dropped to save memory)</source>
        <translation>（为节省内存，已丢弃条目记录）</translation>
    </message>
</context>
<context>
    <name>RunSide</name>
    <message>
        <source>{strategy}: {processed} of {items} processed, {lost} lost, {duplicated} duplicated; {workers} workers, {queue} queue, {work_ms} ms work; {seconds} s</source>
        <translation>{strategy}：已处理 {processed}/{items}，丢失 {lost}，重复处理 {duplicated}；{workers} 个工作进程，{queue} 队列，每个条目工作量 {work_ms} ms；{seconds} s</translation>
    </message>
</context>
<context>
    <name>ScheduleLanes</name>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>blocked forever</source>
        <translation>永远阻塞</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>HOME is not set: settings last for this session only</source>
        <translation>未设置 HOME：设置只在本次会话中有效</translation>
    </message>
    <message>
        <source>HOME ({home}) is not an existing folder: settings last for this session only</source>
        <translation>HOME（{home}）不是已存在的文件夹：设置只在本次会话中有效</translation>
    </message>
    <message>
        <source>cannot write {path}: {error}</source>
        <translation>无法写入 {path}：{error}</translation>
    </message>
    <message>
        <source>could not save the settings to {path}</source>
        <translation>无法将设置保存到 {path}</translation>
    </message>
    <message>
        <source>Settings not saved</source>
        <translation>设置未保存</translation>
    </message>
</context>
<context>
    <name>SpecLoops</name>
    <message>
        <source>This experiment spec runs loop files: code of its own.</source>
        <translation>这个实验规格会运行循环文件：其中有它自己的代码。</translation>
    </message>
    <message>
        <source>Its code runs when you start the experiment. Use these loop files?
{files}
No opens the spec without them.</source>
        <translation>开始实验时会运行其中的代码。要使用这些循环文件吗？
{files}
选“否”则打开不含它们的规格。</translation>
    </message>
</context>
<context>
    <name>SpecPanel</name>
    <message>
        <source>{field}: give at least one number, e.g. 2, 4</source>
        <translation>{field}：请至少填写一个数字，例如 2, 4</translation>
    </message>
    <message>
        <source>{field}: {value} is not a whole number (write numbers separated by commas)</source>
        <translation>{field}：{value} 不是整数（多个数字请用英文逗号分隔）</translation>
    </message>
    <message>
        <source>Experiment</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>Worker counts to try, separated by commas: 2, 4, 8</source>
        <translation>要尝试的工作进程数，用逗号分隔：2, 4, 8</translation>
    </message>
    <message>
        <source>Item counts to try, separated by commas: 100, 10000</source>
        <translation>要尝试的条目数，用逗号分隔：100, 10000</translation>
    </message>
    <message>
        <source>each strategy&apos;s default</source>
        <translation>各策略的默认值</translation>
    </message>
    <message>
        <source>{effect}; expected outcome: {expected}</source>
        <translation>{effect}；预期结果：{expected}</translation>
    </message>
    <message>
        <source>{meaning}: default</source>
        <translation>{meaning}：默认</translation>
    </message>
    <message>
        <source>ARG ({meaning}); several separated by commas; empty: the core&apos;s default</source>
        <translation>ARG（{meaning}）；多个值用逗号分隔；留空则使用核心库的默认值</translation>
    </message>
    <message>
        <source>A trial with no progress for this long is &apos;{stalled}&apos;</source>
        <translation>试验若在这么长时间内没有任何进展，即判为“{stalled}”</translation>
    </message>
    <message>
        <source>Base seed: each trial&apos;s seed derives from it (jitter only)</source>
        <translation>基础种子：每次试验的种子都由它派生（仅影响抖动）</translation>
    </message>
    <message>
        <source>Trials at once (threads, each running its own processes)</source>
        <translation>同时进行的试验数（多个线程，每个线程运行各自的进程）</translation>
    </message>
    <message>
        <source>Explorer column</source>
        <translation>探索器列</translation>
    </message>
    <message>
        <source>After the trials, search each cell&apos;s interleavings: which failures are reachable at its workers × items</source>
        <translation>试验结束后，搜索每个格的交错：在它的工作进程数 × 条目数下能到达哪些失败</translation>
    </message>
    <message>
        <source>Strategies</source>
        <translation>策略</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>工作进程数</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>条目数</translation>
    </message>
    <message>
        <source>Start methods</source>
        <translation>启动方式</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Faults</source>
        <translation>故障</translation>
    </message>
    <message>
        <source>Trials per cell</source>
        <translation>每个单元的试验次数</translation>
    </message>
    <message>
        <source>Work per item</source>
        <translation>每个条目的工作量</translation>
    </message>
    <message>
        <source>Watchdog</source>
        <translation>看门狗</translation>
    </message>
    <message>
        <source>Base seed</source>
        <translation>基础种子</translation>
    </message>
    <message>
        <source>Parallel trials</source>
        <translation>并行试验数</translation>
    </message>
    <message>
        <source>choose at least one strategy</source>
        <translation>请至少选择一个策略</translation>
    </message>
    <message>
        <source>choose at least one start method</source>
        <translation>请至少选择一种启动方式</translation>
    </message>
    <message>
        <source>choose at least one queue kind (or each strategy&apos;s default)</source>
        <translation>请至少选择一种队列类型（或“各策略的默认值”）</translation>
    </message>
    <message>
        <source>fault {kind}</source>
        <translation>故障 {kind}</translation>
    </message>
    <message>
        <source>choose at least one fault (or none)</source>
        <translation>请至少选择一种故障（或“无”）</translation>
    </message>
    <message>
        <source>seed must be &lt;= {max}, got {seed}</source>
        <translation>种子必须 &lt;= {max}，实际为 {seed}</translation>
    </message>
    <message>
        <source>workers</source>
        <translation>工作进程数</translation>
    </message>
    <message>
        <source>items</source>
        <translation>条目数</translation>
    </message>
    <message>
        <source>start method fork is not run from the window (it has threads); it was dropped</source>
        <translation>启动方式 fork 不在窗口中运行（窗口进程含有多个线程）；已将其移除</translation>
    </message>
    <message>
        <source>start method fork is not run from the window (it has threads); spawn is used instead</source>
        <translation>启动方式 fork 不在窗口中运行（窗口进程含有多个线程）；已改用 spawn</translation>
    </message>
    <message>
        <source>queue kind &apos;pool&apos; is each pool strategy&apos;s default: shown as {default}</source>
        <translation>队列类型 &apos;pool&apos; 是各进程池策略的默认值：显示为“{default}”</translation>
    </message>
    <message numerus="yes">
        <source>%n cells × {trials} trials = {runs} runs</source>
        <translation>
            <numerusform>%n 个单元 × {trials} 次试验 = {runs} 次运行</numerusform>
        </translation>
    </message>
    <message>
        <source>every trial&apos;s records are kept for its views: about {size} MB</source>
        <translation>每次试验的记录都会保留以供查看：约 {size} MB</translation>
    </message>
    <message>
        <source>Skipped: {reason}</source>
        <translation>已跳过：{reason}</translation>
    </message>
</context>
<context>
    <name>StackDumpDialog</name>
    <message>
        <source>Stack dumps of the stuck workers</source>
        <translation>卡住的工作进程的栈转储</translation>
    </message>
    <message>
        <source>Each stuck worker was asked for its Python stacks (faulthandler, SIGUSR1) before it was stopped. Most recent call first: the top frames show where it waits.</source>
        <translation>每个卡住的工作进程在被停止之前，都被要求输出其 Python 栈（faulthandler，SIGUSR1）。最近的调用在最前：最上面的几帧显示了它在哪里等待。</translation>
    </message>
    <message>
        <source>worker {number}</source>
        <translation>工作进程 {number}</translation>
    </message>
</context>
<context>
    <name>StepPanel</name>
    <message>
        <source>Step mode</source>
        <translation>单步模式</translation>
    </message>
    <message>
        <source>Feeder flushes are steps</source>
        <translation>把馈送线程的写入作为单独的步骤</translation>
    </message>
    <message>
        <source>An mp queue&apos;s put returns before its feeder thread writes the item to the pipe: make each write a step of its own (F1…Fn, FP), to show what is lost meanwhile</source>
        <translation>mp 队列的 q.put() 在馈送线程把条目写入管道之前就返回了：把每次写入作为单独的一步（F1…Fn、FP），以显示在此期间会丢失什么</translation>
    </message>
    <message>
        <source>Step the producer</source>
        <translation>生产者走一步</translation>
    </message>
    <message>
        <source>Run freely</source>
        <translation>自由运行</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>后退</translation>
    </message>
    <message>
        <source>Save schedule…</source>
        <translation>保存调度…</translation>
    </message>
    <message>
        <source>Load schedule…</source>
        <translation>加载调度…</translation>
    </message>
    <message>
        <source>Let the concurrent producer run its next put</source>
        <translation>让并发生产者放入下一个条目</translation>
    </message>
    <message>
        <source>Open the gate: the run goes on to its end unstepped</source>
        <translation>打开闸门：运行不再单步，直到结束</translation>
    </message>
    <message>
        <source>Start again and replay all but the last step</source>
        <translation>重新开始，并重放除最后一步以外的所有步骤</translation>
    </message>
    <message>
        <source>Start moves the workers one queue operation at a time, as you say: a worker&apos;s button or number key (1–9)</source>
        <translation>开始后由你逐个推进工作进程的队列操作：点击工作进程的按钮或按数字键（1–9）</translation>
    </message>
    <message>
        <source>Steps taken:</source>
        <translation>已执行的步骤：</translation>
    </message>
    <message>
        <source>Save schedule</source>
        <translation>保存调度</translation>
    </message>
    <message>
        <source>Schedule saved: {path}</source>
        <translation>调度已保存：{path}</translation>
    </message>
    <message>
        <source>Load schedule</source>
        <translation>加载调度</translation>
    </message>
    <message>
        <source>{path}: no strategy is called {strategy}</source>
        <translation>{path}：没有名为 {strategy} 的策略</translation>
    </message>
    <message>
        <source>Schedules (*.json)</source>
        <translation>调度 (*.json)</translation>
    </message>
    <message>
        <source>{operation} (blocked)</source>
        <translation>{operation}（已阻塞）</translation>
    </message>
    <message>
        <source>{operation} (blocks)</source>
        <translation>{operation}（会阻塞）</translation>
    </message>
    <message>
        <source>The schedule could not be followed: {divergence}</source>
        <translation>无法按调度执行：{divergence}</translation>
    </message>
    <message>
        <source>Step {number}: {step}</source>
        <translation>第 {number} 步：{step}</translation>
    </message>
</context>
<context>
    <name>StrategyPanel</name>
    <message>
        <source>Expected: {expected}</source>
        <translation>预期结果：{expected}</translation>
    </message>
    <message>
        <source>Strategy id: {id}</source>
        <translation>策略 id：{id}</translation>
    </message>
</context>
<context>
    <name>TimingChart</name>
    <message>
        <source>{workers} w</source>
        <comment>short for workers</comment>
        <translation>{workers} 进程</translation>
    </message>
    <message>
        <source>{items} items</source>
        <translation>{items} 条目</translation>
    </message>
    <message>
        <source>median elapsed (s)</source>
        <translation>耗时中位数（s）</translation>
    </message>
    <message>
        <source>median items/s</source>
        <translation>吞吐量中位数（条目/s）</translation>
    </message>
</context>
<context>
    <name>TracebackDialog</name>
    <message>
        <source>Tracebacks of the crashed workers</source>
        <translation>已崩溃工作进程的回溯信息</translation>
    </message>
    <message>
        <source>What each crashed worker raised (most recent call last), as it wrote it before it ended; a worker killed by a signal could write nothing.</source>
        <translation>每个已崩溃的工作进程在结束前写下的异常信息（最近的调用在最后）；被信号杀死的工作进程无法写下任何内容。</translation>
    </message>
</context>
<context>
    <name>TrialDialog</name>
    <message>
        <source>Trial {trial} (seed {seed}) of {cell}</source>
        <translation>{cell} 的试验 {trial}（种子 {seed}）</translation>
    </message>
    <message>
        <source>Show in Run tab</source>
        <translation>在“运行”标签页中显示</translation>
    </message>
    <message>
        <source>Load this trial into the Run tab: its views there, and File &gt; Export for one run</source>
        <translation>将此试验载入“运行”标签页：可在那里查看它的各个视图，并通过“文件 &gt; 导出”导出这一次运行</translation>
    </message>
    <message>
        <source>This trial&apos;s full result was not kept (keep_runs was off).</source>
        <translation>此试验的完整结果未被保留（keep_runs 处于关闭状态）。</translation>
    </message>
</context>
<context>
    <name>TrialListDialog</name>
    <message>
        <source>{strategy} ({queue}, {start_method}, %n worker(s), {items} items)</source>
        <translation>{strategy}（{queue}，{start_method}，%n 个工作进程，{items} 个条目）</translation>
    </message>
    <message>
        <source>{strategy} ({queue}, {start_method}, %n worker(s), {items} items, fault {fault})</source>
        <translation>{strategy}（{queue}，{start_method}，%n 个工作进程，{items} 个条目，故障 {fault}）</translation>
    </message>
    <message>
        <source>Trials of cell {index}: {strategy}</source>
        <translation>单元 {index} 的试验：{strategy}</translation>
    </message>
    <message numerus="yes">
        <source>%n trial(s): {rates}</source>
        <translation>
            <numerusform>%n 次试验：{rates}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n trial(s)</source>
        <translation>
            <numerusform>%n 次试验</numerusform>
        </translation>
    </message>
    <message>
        <source>Open trial</source>
        <translation>打开试验</translation>
    </message>
    <message>
        <source>The trial&apos;s verdict, worker lanes, items and log</source>
        <translation>该试验的结论、工作进程泳道、条目和日志</translation>
    </message>
    <message>
        <source>Double-click a trial to open its single-run views.</source>
        <translation>双击某次试验，可打开它的单次运行视图。</translation>
    </message>
</context>
<context>
    <name>TrialTableModel</name>
    <message>
        <source>Trial</source>
        <translation>试验</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Outcomes</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>已处理</translation>
    </message>
    <message>
        <source>Lost</source>
        <translation>丢失</translation>
    </message>
    <message>
        <source>Duplicated</source>
        <translation>重复处理</translation>
    </message>
    <message>
        <source>Elapsed (s)</source>
        <translation>耗时（s）</translation>
    </message>
    <message>
        <source>Items/s</source>
        <translation>条目/s</translation>
    </message>
</context>
<context>
    <name>VerdictBanner</name>
    <message>
        <source>{ids} and {count} more</source>
        <translation>{ids}，另有 {count} 个</translation>
    </message>
    <message>
        <source>No traceback: the process ended with exit code {code} without writing one (killed by a signal when negative).</source>
        <translation>没有回溯信息：进程以退出码 {code} 结束，未写下回溯信息（退出码为负数表示被信号杀死）。</translation>
    </message>
    <message>
        <source>No traceback: the process ended without writing one.</source>
        <translation>没有回溯信息：进程结束时未写下回溯信息。</translation>
    </message>
    <message>
        <source>Filter the item table to these items</source>
        <translation>在条目表中只显示这些条目</translation>
    </message>
    <message>
        <source>Stack dumps…</source>
        <translation>栈转储…</translation>
    </message>
    <message>
        <source>The stuck workers&apos; Python stacks (faulthandler)</source>
        <translation>卡住的工作进程的 Python 栈（faulthandler）</translation>
    </message>
    <message>
        <source>Traceback…</source>
        <translation>回溯信息…</translation>
    </message>
    <message>
        <source>What each crashed worker raised, or how it died</source>
        <translation>每个已崩溃的工作进程抛出了什么异常，或它是如何终止的</translation>
    </message>
    <message>
        <source>No run yet</source>
        <translation>尚无运行</translation>
    </message>
    <message>
        <source>Choose a strategy and press Start.</source>
        <translation>选择一个策略，然后点击“开始”。</translation>
    </message>
    <message>
        <source>Workers now: {states}</source>
        <translation>工作进程当前状态：{states}</translation>
    </message>
    <message>
        <source>Workers now: starting…</source>
        <translation>工作进程当前状态：启动中…</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>运行中…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Stopping and reaping the workers.</source>
        <translation>正在停止并回收工作进程。</translation>
    </message>
    <message>
        <source>Could not run</source>
        <translation>无法运行</translation>
    </message>
    <message>
        <source>Not processed (cancelled): {count}</source>
        <translation>未处理（已取消）：{count}</translation>
    </message>
    <message>
        <source>Lost items ({count}): {ids}</source>
        <translation>丢失的条目（{count}）：{ids}</translation>
    </message>
    <message>
        <source>Duplicated items ({count}): {ids}</source>
        <translation>重复处理的条目（{count}）：{ids}</translation>
    </message>
    <message>
        <source>{outcomes}  ·  {processed} of {items} processed in {seconds} s</source>
        <translation>{outcomes}  ·  已处理 {processed}/{items} 个条目，用时 {seconds} s</translation>
    </message>
    <message>
        <source>Traceback (worker {workers})…</source>
        <translation>回溯信息（工作进程 {workers}）…</translation>
    </message>
    <message>
        <source>Stack dumps (worker {workers})…</source>
        <translation>栈转储（工作进程 {workers}）…</translation>
    </message>
    <message>
        <source>Show in the item table</source>
        <translation>在条目表中显示</translation>
    </message>
</context>
<context>
    <name>WhatIsThisPage</name>
    <message>
        <source>What is this?</source>
        <translation>这是什么？</translation>
    </message>
    <message>
        <source>A blog post set out to process 100 items with three worker processes: the main process filled a multiprocessing.Manager().Queue() and started the workers with Pool(3).apply_async(read, (q,)). The run hung at the very end. The author tried four loops in turn and concluded that the hang &quot;seems random&quot;. QueueScope runs those loops exactly as written, watches every worker, accounts for every item, and says with evidence what happened.</source>
        <translation>一篇博客打算用三个工作进程处理 100 个条目：主进程向一个 multiprocessing.Manager().Queue() 中填入条目，再用 Pool(3).apply_async(read, (q,)) 启动工作进程。程序在最后关头卡住了。作者依次尝试了四种循环，得出的结论是这种卡住“似乎是随机的”。QueueScope 完全按原样运行这些循环，监视每个工作进程，核对每个条目的去向，并用证据说明到底发生了什么。</translation>
    </message>
    <message>
        <source>The post and its four loops</source>
        <translation>原文博客及其中的四种循环</translation>
    </message>
    <message>
        <source>Loop {number}: {title}</source>
        <translation>循环 {number}：{title}</translation>
    </message>
    <message>
        <source>What the lab shows: {expected}</source>
        <translation>实验显示：{expected}</translation>
    </message>
    <message>
        <source>The moral</source>
        <translation>启示</translation>
    </message>
    <message>
        <source>Try it</source>
        <translation>试一试</translation>
    </message>
    <message>
        <source>The Python docs say it plainly: Queue.empty() and qsize() are not reliable, and their own worker recipe ends on one &apos;STOP&apos; per worker. Run an experiment to see how often each loop hangs or loses items on your machine.</source>
        <translation>Python 文档说得很明白：Queue.empty() 和 qsize() 并不可靠，而文档自己给出的工作进程示例是以每个工作进程一个 &apos;STOP&apos; 来结束的。运行一次实验，看看在你的机器上每种循环卡住或丢失条目的频率有多高。</translation>
    </message>
</context>
<context>
    <name>WorkerLanes</name>
    <message>
        <source>worker</source>
        <translation>工作进程</translation>
    </message>
    <message>
        <source>queue depth</source>
        <translation>队列深度</translation>
    </message>
    <message>
        <source>items/s</source>
        <translation>条目/s</translation>
    </message>
    <message>
        <source>seconds since start</source>
        <translation>开始后经过的秒数</translation>
    </message>
    <message>
        <source>worker {number}</source>
        <translation>工作进程 {number}</translation>
    </message>
    <message>
        <source>{start}–{end} s</source>
        <translation>{start}–{end} s</translation>
    </message>
    <message>
        <source>processing item {item} (taken at {taken} s)</source>
        <translation>正在处理条目 {item}（于 {taken} s 取走）</translation>
    </message>
    <message>
        <source>processing {count} items ({first}–{last})</source>
        <translation>正在处理 {count} 个条目（{first}–{last}）</translation>
    </message>
    <message>
        <source>Click for the traceback</source>
        <translation>点击查看回溯信息</translation>
    </message>
    <message>
        <source>W{number}</source>
        <translation>{number} 号</translation>
    </message>
</context>
<context>
    <name>core</name>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>{sentences}.</source>
        <translation>{sentences}。</translation>
    </message>
    <message>
        <source>{first} and {last}</source>
        <translation>{first} 和 {last}</translation>
    </message>
    <message>
        <source>cancelled before the run ended</source>
        <translation>在运行结束前被取消</translation>
    </message>
    <message>
        <source>injected fault {fault}: {what}</source>
        <translation>注入的故障 {fault}：{what}</translation>
    </message>
    <message>
        <source>each item is larger than the pipe buffer, so a process cannot exit while items it put are unread (the docs&apos; join-before-drain deadlock); here only the main process puts items, and it never joins before the workers drain the queue</source>
        <translation>每个条目都大于管道缓冲区，因此进程在它放入的条目被读走之前无法退出（即 Python 文档中所说的“先 join() 后取空”死锁）；但这里只有主进程放入条目，而且它从不会在工作进程取空队列之前调用 join()</translation>
    </message>
    <message>
        <source>worker {worker} is stopped (SIGSTOP): alive but unable to run, so no deadlock can be proven</source>
        <translation>工作进程 {worker} 已被暂停（SIGSTOP）：进程仍存活但无法运行，因此无法证明发生了死锁</translation>
    </message>
    <message>
        <source>workers {workers} are stopped (SIGSTOP): alive but unable to run, so no deadlock can be proven</source>
        <translation>工作进程 {workers} 已被暂停（SIGSTOP）：进程仍存活但无法运行，因此无法证明发生了死锁</translation>
    </message>
    <message>
        <source>worker {worker} took items {items}, saw q.empty() == True and exited without processing them</source>
        <translation>工作进程 {worker} 取走了条目 {items}，看到 q.empty() == True 后便退出，没有处理这些条目</translation>
    </message>
    <message>
        <source>worker {worker} took items {items} but never processed them</source>
        <translation>工作进程 {worker} 取走了条目 {items}，但从未处理它们</translation>
    </message>
    <message>
        <source>{count} item was still in the queue when cancelled</source>
        <translation>取消时仍有 {count} 个条目留在队列中</translation>
    </message>
    <message>
        <source>{count} items were still in the queue when cancelled</source>
        <translation>取消时仍有 {count} 个条目留在队列中</translation>
    </message>
    <message>
        <source>{count} item was never taken and stays in the queue after every worker had left: {items}</source>
        <translation>{count} 个条目从未被取走，在所有工作进程退出后仍留在队列中：{items}</translation>
    </message>
    <message>
        <source>{count} items were never taken and stay in the queue after every worker had left: {items}</source>
        <translation>{count} 个条目从未被取走，在所有工作进程退出后仍留在队列中：{items}</translation>
    </message>
    <message>
        <source>{count} item was never taken and stays in the queue: {items}</source>
        <translation>{count} 个条目从未被取走，仍留在队列中：{items}</translation>
    </message>
    <message>
        <source>{count} items were never taken and stay in the queue: {items}</source>
        <translation>{count} 个条目从未被取走，仍留在队列中：{items}</translation>
    </message>
    <message>
        <source>worker {worker} vanished (its heartbeat on the queue server expired: it died or lost the network) holding no item</source>
        <translation>工作进程 {worker} 消失了（它在队列服务器上的心跳已过期：它死掉了或断了网），当时手上没有条目</translation>
    </message>
    <message>
        <source>worker {worker} vanished (its heartbeat on the queue server expired: it died or lost the network) while its processing list held item {items}</source>
        <translation>工作进程 {worker} 消失了（它在队列服务器上的心跳已过期：它死掉了或断了网），当时它的处理列表中有条目 {items}</translation>
    </message>
    <message>
        <source>worker {worker} vanished (its heartbeat on the queue server expired: it died or lost the network) while its processing list held items {items}</source>
        <translation>工作进程 {worker} 消失了（它在队列服务器上的心跳已过期：它死掉了或断了网），当时它的处理列表中有条目 {items}</translation>
    </message>
    <message>
        <source>item {item} was moved back from vanished worker {worker} and processed twice</source>
        <translation>条目 {item} 从消失的工作进程 {worker} 移回了队列，并被处理了两次</translation>
    </message>
    <message>
        <source>item {item} was moved back from vanished worker {worker}</source>
        <translation>条目 {item} 从消失的工作进程 {worker} 移回了队列</translation>
    </message>
    <message>
        <source>{first}–{last}</source>
        <translation>{first}–{last}</translation>
    </message>
    <message>
        <source>worker {worker}&apos;s task never reached a process: {error} (the post&apos;s pattern never calls .get() on the AsyncResult, so there this error is silent and the workers simply never run)</source>
        <translation>工作进程 {worker} 的任务未能送达任何进程：{error}（原文博客的写法从不对 apply_async 返回的结果调用 .get()，因此在那里这个错误不会有任何提示，工作进程根本不会运行）</translation>
    </message>
    <message>
        <source>the tasks of workers {workers} never reached a process: {error} (the post&apos;s pattern never calls .get() on the AsyncResult, so there this error is silent and the workers simply never run)</source>
        <translation>工作进程 {workers} 的任务未能送达任何进程：{error}（原文博客的写法从不对 apply_async 返回的结果调用 .get()，因此在那里这个错误不会有任何提示，工作进程根本不会运行）</translation>
    </message>
    <message>
        <source>worker {worker}&apos;s task never reached a process: {error}</source>
        <translation>工作进程 {worker} 的任务未能送达任何进程：{error}</translation>
    </message>
    <message>
        <source>the tasks of workers {workers} never reached a process: {error}</source>
        <translation>工作进程 {workers} 的任务未能送达任何进程：{error}</translation>
    </message>
    <message>
        <source>worker {worker} raised while holding item {item}: {error}</source>
        <translation>工作进程 {worker} 在持有条目 {item} 时抛出异常：{error}</translation>
    </message>
    <message>
        <source>worker {worker} raised: {error}</source>
        <translation>工作进程 {worker} 抛出异常：{error}</translation>
    </message>
    <message>
        <source>workers {workers} raised: {error}</source>
        <translation>工作进程 {workers} 抛出异常：{error}</translation>
    </message>
    <message>
        <source>worker {worker} died with exit code {code} while holding item {item} without reporting it</source>
        <translation>工作进程 {worker} 在持有条目 {item} 时意外终止（退出码 {code}），且未报告</translation>
    </message>
    <message>
        <source>worker {worker} died with exit code {code} without reporting it</source>
        <translation>工作进程 {worker} 意外终止（退出码 {code}），且未报告</translation>
    </message>
    <message>
        <source>workers {workers} died without reporting it</source>
        <translation>工作进程 {workers} 意外终止，且未报告</translation>
    </message>
    <message>
        <source>worker {worker} died while holding item {item} without reporting it</source>
        <translation>工作进程 {worker} 在持有条目 {item} 时意外终止，且未报告</translation>
    </message>
    <message>
        <source>workers {workers} died with exit code {code} without reporting it</source>
        <translation>工作进程 {workers} 意外终止（退出码 {code}），且未报告</translation>
    </message>
    <message>
        <source>worker {worker} died without reporting it</source>
        <translation>工作进程 {worker} 意外终止，且未报告</translation>
    </message>
    <message>
        <source>{error}</source>
        <translation>{error}</translation>
    </message>
    <message>
        <source>queue server lost after {items} items ({reason})</source>
        <translation>处理了 {items} 个条目后失去了队列服务器（{reason}）</translation>
    </message>
    <message>
        <source>the working directory {dir} no longer exists (new processes start in it); change to an existing directory</source>
        <translation>工作目录 {dir} 已不存在（新进程会在其中启动）；请切换到一个存在的目录</translation>
    </message>
    <message>
        <source>the main process failed: {error}</source>
        <translation>主进程出错：{error}</translation>
    </message>
    <message>
        <source>items {items} were taken but never processed</source>
        <translation>条目 {items} 被取走，但从未被处理</translation>
    </message>
    <message>
        <source>worker {worker} took item {items}, saw q.empty() == True and exited without processing it</source>
        <translation>工作进程 {worker} 取走了条目 {items}，看到 q.empty() == True 后便退出，没有处理该条目</translation>
    </message>
    <message>
        <source>worker {worker} took item {items} but never processed it</source>
        <translation>工作进程 {worker} 取走了条目 {items}，但从未处理它</translation>
    </message>
    <message>
        <source>items {items} were processed more than once</source>
        <translation>条目 {items} 被重复处理</translation>
    </message>
    <message>
        <source>worker {worker} took the only {sentinel} sentinel and exited</source>
        <translation>工作进程 {worker} 取走了唯一的哨兵值 {sentinel} 并退出</translation>
    </message>
    <message>
        <source>worker {worker} saw q.empty() == False, then another worker took the last item before their q.get() (check-then-act race)</source>
        <translation>工作进程 {worker} 看到 q.empty() == False，但在它调用 q.get() 之前，另一个工作进程取走了最后一个条目（“先检查后执行”竞态）</translation>
    </message>
    <message>
        <source>workers {workers} saw q.empty() == False, then another worker took the last item before their q.get() (check-then-act race)</source>
        <translation>工作进程 {workers} 看到 q.empty() == False，但在它们调用 q.get() 之前，另一个工作进程取走了最后一个条目（“先检查后执行”竞态）</translation>
    </message>
    <message>
        <source>worker {worker} is blocked in q.get() on an empty queue; the producer is done: deadlock</source>
        <translation>工作进程 {worker} 在空队列上阻塞在 q.get() 中；生产者已经结束：死锁</translation>
    </message>
    <message>
        <source>workers {workers} are blocked in q.get() on an empty queue; the producer is done: deadlock</source>
        <translation>工作进程 {workers} 在空队列上阻塞在 q.get() 中；生产者已经结束：死锁</translation>
    </message>
    <message>
        <source>worker {worker} {state}</source>
        <translation>工作进程 {worker} {state}</translation>
    </message>
    <message>
        <source>no progress for {seconds} s and no proof of deadlock ({workers}); the main process was {phase}: stalled</source>
        <translation>{seconds} s 内没有任何进展，也无法证明发生了死锁（{workers}）；主进程当时处于“{phase}”状态：停滞</translation>
    </message>
    <message>
        <source>no progress for {seconds} s and no proof of deadlock; the main process was {phase}: stalled</source>
        <translation>{seconds} s 内没有任何进展，也无法证明发生了死锁；主进程当时处于“{phase}”状态：停滞</translation>
    </message>
    <message>
        <source>the main process was still waiting for the workers when none was left</source>
        <translation>已经没有工作进程了，主进程却仍在等待工作进程</translation>
    </message>
    <message>
        <source>every item ({items}) was processed exactly once and all {workers} workers exited</source>
        <translation>每个条目（{items}）都恰好被处理了一次，且全部 {workers} 个工作进程均已退出</translation>
    </message>
    <message>
        <source>{outcomes}</source>
        <translation>{outcomes}</translation>
    </message>
    <message>
        <source>trials per cell</source>
        <translation>每个单元的试验次数</translation>
    </message>
    <message>
        <source>trials at once</source>
        <translation>同时运行的试验数</translation>
    </message>
    <message>
        <source>{source}: {message}</source>
        <translation>{source}：{message}</translation>
    </message>
    <message>
        <source>the spec must be an object (a table) of keys, got {type}</source>
        <translation>实验配置必须是由键组成的对象（表），实际为 {type}</translation>
    </message>
    <message>
        <source>unknown key {key} (did you mean {close}?)</source>
        <translation>未知的键 {key}（你是不是想写 {close}？）</translation>
    </message>
    <message>
        <source>unknown key {key}; valid keys: {valid}</source>
        <translation>未知的键 {key}；有效的键：{valid}</translation>
    </message>
    <message>
        <source>version: this QueueScope reads spec version {version}, got {value}</source>
        <translation>版本：此版本的 QueueScope 读取的实验配置版本为 {version}，实际为 {value}</translation>
    </message>
    <message>
        <source>missing key &apos;strategies&apos; (a strategy id or a list of them)</source>
        <translation>缺少键 &apos;strategies&apos;（一个策略 id 或由策略 id 组成的列表）</translation>
    </message>
    <message>
        <source>explorer: expected true or false, got {value}</source>
        <translation>explorer：应为 true 或 false，而不是 {value}</translation>
    </message>
    <message>
        <source>a number has more than {max} digits</source>
        <translation>某个数字超过了 {max} 位</translation>
    </message>
    <message>
        <source>values nested more than {max} levels deep</source>
        <translation>值的嵌套深度超过了 {max} 层</translation>
    </message>
    <message>
        <source>the spec is {size:,} bytes; a spec may have at most {max:,}</source>
        <translation>实验配置大小为 {size:,} 字节；实验配置最多只能有 {max:,} 字节</translation>
    </message>
    <message>
        <source>faults to inject</source>
        <translation>要注入的故障</translation>
    </message>
    <message>
        <source>{key}: {count:,} values; an axis takes at most {max:,}</source>
        <translation>{key}：{count:,} 个值；每个维度最多只能有 {max:,} 个值</translation>
    </message>
    <message>
        <source>loop files, FILE[:FUNCTION]</source>
        <translation>循环文件，FILE[:FUNCTION]</translation>
    </message>
    <message>
        <source>unknown start method {value}; valid: {valid}</source>
        <translation>未知的启动方式 {value}；有效值：{valid}</translation>
    </message>
    <message>
        <source>unknown queue kind {value}; valid: {valid}</source>
        <translation>未知的队列类型 {value}；有效值：{valid}</translation>
    </message>
    <message>
        <source>a strategy id (see &apos;strategies&apos;)</source>
        <translation>策略 id（见 &apos;strategies&apos;）</translation>
    </message>
    <message>
        <source>how many items the producer puts</source>
        <translation>生产者放入的条目数量</translation>
    </message>
    <message>
        <source>how many worker processes take items</source>
        <translation>取条目的工作进程数量</translation>
    </message>
    <message>
        <source>queue kind</source>
        <translation>队列类型</translation>
    </message>
    <message>
        <source>how worker processes start</source>
        <translation>工作进程的启动方式</translation>
    </message>
    <message>
        <source>prefill: all items before the workers start; concurrent: while they run</source>
        <translation>预填充（&apos;prefill&apos;）：在工作进程启动前放入全部条目；并发（&apos;concurrent&apos;）：在工作进程运行时放入条目</translation>
    </message>
    <message>
        <source>items/s of the concurrent producer</source>
        <translation>并发生产者的速率（项/秒）</translation>
    </message>
    <message>
        <source>per-item work in ms</source>
        <translation>每个条目的工作量（毫秒）</translation>
    </message>
    <message>
        <source>unknown work kind {value}; valid: {valid}</source>
        <translation>未知的工作负载类型 {value}；有效值：{valid}</translation>
    </message>
    <message>
        <source>unknown producer {value}; valid: {valid}</source>
        <translation>未知的生产者 {value}；有效值：{valid}</translation>
    </message>
    <message>
        <source>invalid TOML: {error} (line {line}, column {column})</source>
        <translation>无效的 TOML：{error}（第 {line} 行，第 {column} 列）</translation>
    </message>
    <message>
        <source>invalid TOML: {error}</source>
        <translation>无效的 TOML：{error}</translation>
    </message>
    <message>
        <source>invalid JSON at line {line}, column {column}: {error}</source>
        <translation>无效的 JSON，位于第 {line} 行第 {column} 列：{error}</translation>
    </message>
    <message>
        <source>Your own loops</source>
        <translation>你自己的循环</translation>
    </message>
    <message>
        <source>your own loop: run it and see</source>
        <translation>你自己的循环：运行它看看</translation>
    </message>
    <message>
        <source>no such file</source>
        <translation>没有这个文件</translation>
    </message>
    <message>
        <source>is a directory, not a Python file</source>
        <translation>是一个目录，不是 Python 文件</translation>
    </message>
    <message>
        <source>the file is {size:,} bytes; a loop file may have at most {max:,}</source>
        <translation>该文件有 {size:,} 字节；循环文件最多 {max:,} 字节</translation>
    </message>
    <message>
        <source>cannot read it: {reason}</source>
        <translation>无法读取：{reason}</translation>
    </message>
    <message>
        <source>not a UTF-8 text file</source>
        <translation>不是 UTF-8 编码的文本文件</translation>
    </message>
    <message>
        <source>not Python: {reason}</source>
        <translation>不是 Python：{reason}</translation>
    </message>
    <message>
        <source>no function {function}(q, process, opts) defined with def at the top level</source>
        <translation>顶层没有用 def 定义的函数 {function}(q, process, opts)</translation>
    </message>
    <message>
        <source>no function {function}(q, process, opts) defined with def at the top level; it defines: {defined}</source>
        <translation>顶层没有用 def 定义的函数 {function}(q, process, opts)；它定义了：{defined}</translation>
    </message>
    <message>
        <source>{function} is async; a worker loop is a plain def</source>
        <translation>{function} 是 async 函数；工作循环应是普通的 def</translation>
    </message>
    <message>
        <source>{function} must take exactly three parameters (q, process, opts), not ({parameters})</source>
        <translation>{function} 必须正好接受三个参数 (q, process, opts)，而不是 ({parameters})</translation>
    </message>
    <message>
        <source>finish must take exactly one parameter (run), not ({parameters})</source>
        <translation>finish 必须正好接受一个参数 (run)，而不是 ({parameters})</translation>
    </message>
    <message>
        <source>{name} must be a literal value (no names, calls or operators)</source>
        <translation>{name} 必须是字面值（不能有名称、调用或运算符）</translation>
    </message>
    <message>
        <source>{name} must be a string, not {value}</source>
        <translation>{name} 必须是字符串，而不是 {value}</translation>
    </message>
    <message>
        <source>{name} must be a string or a tuple of strings</source>
        <translation>{name} 必须是字符串或字符串元组</translation>
    </message>
    <message>
        <source>unknown backend {value}; valid: {valid}</source>
        <translation>未知的后端 {value}；可用：{valid}</translation>
    </message>
    <message>
        <source>unknown need {value}; valid: {valid}</source>
        <translation>未知的需求 {value}；可用：{valid}</translation>
    </message>
    <message>
        <source>SENTINELS is {value}; valid: {valid}</source>
        <translation>SENTINELS 是 {value}；可用：{valid}</translation>
    </message>
    <message>
        <source>none of the backends ({backends}) supplies what the loop needs ({needs})</source>
        <translation>这些后端（{backends}）都不能提供该循环所需的（{needs}）</translation>
    </message>
    <message>
        <source>{function} is not a Python function name</source>
        <translation>{function} 不是合法的 Python 函数名</translation>
    </message>
    <message>
        <source>{file}:{line}:{column}: {message}</source>
        <translation>{file}:{line}:{column}: {message}</translation>
    </message>
    <message>
        <source>{file}: {message}</source>
        <translation>{file}: {message}</translation>
    </message>
    <message>
        <source>cannot read spec {name}: {error}</source>
        <translation>无法读取实验配置 {name}：{error}</translation>
    </message>
    <message>
        <source>key {key} is given twice</source>
        <translation>键 {key} 出现了两次</translation>
    </message>
    <message>
        <source>a boolean</source>
        <translation>布尔值</translation>
    </message>
    <message>
        <source>an integer</source>
        <translation>整数</translation>
    </message>
    <message>
        <source>a number</source>
        <translation>数字</translation>
    </message>
    <message>
        <source>a string</source>
        <translation>字符串</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>列表</translation>
    </message>
    <message>
        <source>an object</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>null</source>
        <translation>空值</translation>
    </message>
    <message>
        <source>{key}: expected an integer, got {type} {value}</source>
        <translation>{key}：应为整数，实际为 {type} {value}</translation>
    </message>
    <message>
        <source>{key}: expected a number, got {type} {value}</source>
        <translation>{key}：应为数字，实际为 {type} {value}</translation>
    </message>
    <message>
        <source>{key}: expected a finite number, got {value}</source>
        <translation>{key}：应为有限数字，实际为 {value}</translation>
    </message>
    <message>
        <source>{key}: expected a string, got {type} {value}</source>
        <translation>{key}：应为字符串，实际为 {type} {value}</translation>
    </message>
    <message>
        <source>what the per-item work does: sleep or busy CPU</source>
        <translation>每个条目的工作方式：休眠或占用 CPU</translation>
    </message>
    <message>
        <source>random extra work per item, up to this many ms</source>
        <translation>每个条目额外的随机工作量，最多这么多毫秒</translation>
    </message>
    <message>
        <source>seed of the jitter</source>
        <translation>抖动的随机种子</translation>
    </message>
    <message>
        <source>seconds without progress before a run is called stalled</source>
        <translation>没有进展多少秒后判定运行为停滞</translation>
    </message>
    <message>
        <source>the timeout of the loops that call get(timeout)</source>
        <translation>调用 get(timeout) 的循环所用的超时</translation>
    </message>
    <message>
        <source>items per task of the pool strategies</source>
        <translation>进程池策略中每个任务的条目数</translation>
    </message>
    <message>
        <source>items per batch of the batched strategy</source>
        <translation>批处理策略每批的条目数</translation>
    </message>
    <message>
        <source>{key}: the list is empty; give at least one value</source>
        <translation>{key}：列表为空；请至少提供一个值</translation>
    </message>
    <message>
        <source>{key} must be &gt; {low} and &lt;= {high}, got {value}</source>
        <translation>{key} 必须 &gt; {low} 且 &lt;= {high}，实际为 {value}</translation>
    </message>
    <message>
        <source>{key} must be &gt;= {low} and &lt;= {high}, got {value}</source>
        <translation>{key} 必须 &gt;= {low} 且 &lt;= {high}，实际为 {value}</translation>
    </message>
    <message>
        <source>unknown strategy {value} (did you mean {close}?); valid: {valid}</source>
        <translation>未知的策略 {value}（你是不是想写 {close}？）；有效值：{valid}</translation>
    </message>
    <message>
        <source>unknown strategy {value}; valid: {valid}</source>
        <translation>未知的策略 {value}；有效值：{valid}</translation>
    </message>
    <message>
        <source>unknown fault {kind}; valid: {valid}</source>
        <translation>未知的故障 {kind}；有效值：{valid}</translation>
    </message>
    <message>
        <source>{key} must be between {low} and {high}, got {value}</source>
        <translation>{key} 必须介于 {low} 和 {high} 之间，实际为 {value}</translation>
    </message>
    <message>
        <source>{strategy} ({queue_kind}, {start_method}, {workers} workers, {items} items)</source>
        <extracomment>The coordinates&apos; names: the columns the exports start with, the keys of a cell&apos;s JSON.</extracomment>
        <translation>{strategy}（{queue_kind}，{start_method}，{workers} 个工作进程，{items} 个条目）</translation>
    </message>
    <message>
        <source>{strategy} ({queue_kind}, {start_method}, {workers} workers, {items} items, fault {fault})</source>
        <translation>{strategy}（{queue_kind}，{start_method}，{workers} 个工作进程，{items} 个条目，故障 {fault}）</translation>
    </message>
    <message>
        <source>{strategy} runs its own pool: the queue-kind axis does not apply to it</source>
        <translation>{strategy} 使用自己的进程池：队列类型这一维度对它不适用</translation>
    </message>
    <message>
        <source>{strategy} does not support queue kind {value} (it supports: {valid})</source>
        <translation>{strategy} 不支持队列类型 {value}（它支持：{valid}）</translation>
    </message>
    <message>
        <source>strategy {strategy} supports none of the queue kinds asked for ({asked}); it supports: {valid}</source>
        <translation>策略 {strategy} 不支持所请求的任何一种队列类型（{asked}）；它支持：{valid}</translation>
    </message>
    <message>
        <source>the grid has {cells} cells × {trials} trials = {total} runs; at most {max}</source>
        <translation>网格共有 {cells} 个单元 × {trials} 次试验 = {total} 次运行；最多允许 {max} 次</translation>
    </message>
    <message>
        <source>start method fork cannot run trials in parallel (a forked child would inherit locks held by the other trials&apos; threads); use spawn or forkserver, or parallel 1</source>
        <translation>启动方式 fork 无法并行运行试验（fork 出的子进程会继承其他试验的线程所持有的锁）；请使用 spawn 或 forkserver，或将并行数设为 1</translation>
    </message>
    <message>
        <source>{parallel} trials at once × up to {workers} workers = {busiest} worker processes on {cpus} CPUs: oversubscribed, so timings are slower and race rates can differ from sequential trials</source>
        <translation>同时运行 {parallel} 次试验 × 每次最多 {workers} 个工作进程 = {busiest} 个工作进程，而只有 {cpus} 个处理器核心：资源超额分配，因此计时会偏慢，竞态发生率也可能与依次运行试验时不同</translation>
    </message>
    <message>
        <source>start method fork is refused in a process with threads (the child would inherit locks held by other threads); use spawn or forkserver</source>
        <translation>在含有线程的进程中不允许使用启动方式 fork（子进程会继承其他线程持有的锁）；请使用 spawn 或 forkserver</translation>
    </message>
    <message>
        <source>item</source>
        <translation>条目</translation>
    </message>
    <message>
        <source>SIGKILL the worker right after it takes item ARG</source>
        <translation>在工作进程取走条目 ARG 后立即对其发送 SIGKILL</translation>
    </message>
    <message>
        <source>crashed</source>
        <translation>已崩溃</translation>
    </message>
    <message>
        <source>SIGKILL the worker right after it takes item {arg}</source>
        <translation>在工作进程取走条目 {arg} 后立即对其发送 SIGKILL</translation>
    </message>
    <message>
        <source>the worker raises an exception on item ARG</source>
        <translation>工作进程在处理条目 ARG 时抛出异常</translation>
    </message>
    <message>
        <source>the worker raises an exception on item {arg}</source>
        <translation>工作进程在处理条目 {arg} 时抛出异常</translation>
    </message>
    <message>
        <source>SIGSTOP (pause) the worker right after it takes item ARG</source>
        <translation>在工作进程取走条目 ARG 后立即对其发送 SIGSTOP（暂停）</translation>
    </message>
    <message>
        <source>stalled</source>
        <translation>停滞</translation>
    </message>
    <message>
        <source>SIGSTOP (pause) the worker right after it takes item {arg}</source>
        <translation>在工作进程取走条目 {arg} 后立即对其发送 SIGSTOP（暂停）</translation>
    </message>
    <message>
        <source>the producer puts an unpicklable object as item ARG</source>
        <translation>生产者把一个无法序列化的对象作为条目 ARG 放入队列</translation>
    </message>
    <message>
        <source>the producer puts an unpicklable object as item {arg}</source>
        <translation>生产者把一个无法序列化的对象作为条目 {arg} 放入队列</translation>
    </message>
    <message>
        <source>bytes</source>
        <translation>字节数</translation>
    </message>
    <message>
        <source>every item carries ARG bytes (default 1 MiB)</source>
        <translation>每个条目携带 ARG 字节的数据（默认 1 MiB）</translation>
    </message>
    <message>
        <source>as without</source>
        <translation>与无故障时相同</translation>
    </message>
    <message>
        <source>every item carries {arg} bytes (default 1 MiB)</source>
        <translation>每个条目携带 {arg} 字节的数据（默认 1 MiB）</translation>
    </message>
    <message>
        <source>worker</source>
        <translation>工作进程</translation>
    </message>
    <message>
        <source>worker ARG (1-based) works 100x slower</source>
        <translation>工作进程 ARG（从 1 开始编号）的处理速度慢 100 倍</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>worker {arg} (1-based) works 100x slower</source>
        <translation>工作进程 {arg}（从 1 开始编号）的处理速度慢 100 倍</translation>
    </message>
    <message>
        <source>fault {kind} takes a whole number ({meaning}), got {value}</source>
        <translation>故障 {kind} 需要一个整数（{meaning}），实际为 {value}</translation>
    </message>
    <message>
        <source>fault {kind} needs at least one item</source>
        <translation>故障 {kind} 至少需要一个条目</translation>
    </message>
    <message>
        <source>fault {kind} needs an item between 0 and {last}, got {arg}</source>
        <translation>故障 {kind} 需要 0 到 {last} 之间的条目编号，实际为 {arg}</translation>
    </message>
    <message>
        <source>fault {kind} needs a worker between 1 and {last}, got {arg}</source>
        <translation>故障 {kind} 需要 1 到 {last} 之间的工作进程编号，实际为 {arg}</translation>
    </message>
    <message>
        <source>fault {kind} needs 1 to {last} bytes, got {arg}</source>
        <translation>故障 {kind} 需要 1 到 {last} 字节，实际为 {arg}</translation>
    </message>
    <message>
        <source>fault {kind}: {items:,} items of {payload:,} bytes need {need:,} MB, more than half of the available memory ({available:,} MB)</source>
        <translation>故障 {kind}：{items:,} 个条目、每个 {payload:,} 字节，共需 {need:,} MB，超过了可用内存（{available:,} MB）的一半</translation>
    </message>
    <message>
        <source>strategy {strategy} does not support queue kind {value}; it supports: {valid}</source>
        <translation>策略 {strategy} 不支持队列类型 {value}；它支持：{valid}</translation>
    </message>
    <message>
        <source>queue kind {queue} does not take the fault {fault}</source>
        <translation>队列类型 {queue} 不支持故障 {fault}</translation>
    </message>
    <message>
        <source>deadlock</source>
        <translation>死锁</translation>
    </message>
    <message>
        <source>lost</source>
        <translation>丢失</translation>
    </message>
    <message>
        <source>duplicated</source>
        <translation>重复处理</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>启动中</translation>
    </message>
    <message>
        <source>producing</source>
        <translation>生产中</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>finishing</source>
        <translation>收尾中</translation>
    </message>
    <message>
        <source>processed</source>
        <translation>已处理</translation>
    </message>
    <message>
        <source>dropped after take</source>
        <translation>取走后被丢弃</translation>
    </message>
    <message>
        <source>left in queue</source>
        <translation>遗留在队列中</translation>
    </message>
    <message>
        <source>in flight</source>
        <translation>进行中</translation>
    </message>
    <message>
        <source>{where}: the key {key} is missing</source>
        <translation>{where}：缺少键 {key}</translation>
    </message>
    <message>
        <source>{where}: unexpected value {value}</source>
        <translation>{where}：意外的值 {value}</translation>
    </message>
    <message>
        <source>waiting in get()</source>
        <translation>在 get() 中等待</translation>
    </message>
    <message>
        <source>blocked in get()</source>
        <translation>阻塞在 get() 中</translation>
    </message>
    <message>
        <source>get with timeout</source>
        <translation>在带超时的 get() 中等待</translation>
    </message>
    <message>
        <source>processing</source>
        <translation>处理中</translation>
    </message>
    <message>
        <source>idle in pool</source>
        <translation>在进程池中空闲</translation>
    </message>
    <message>
        <source>exited</source>
        <translation>已退出</translation>
    </message>
    <message>
        <source>never started</source>
        <translation>从未启动</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>waiting for its turn</source>
        <translation>等待轮到它</translation>
    </message>
    <message>
        <source>vanished</source>
        <translation>已消失</translation>
    </message>
    <message>
        <source>The post&apos;s loops</source>
        <translation>原文博客中的循环</translation>
    </message>
    <message>
        <source>Correct patterns</source>
        <translation>正确的模式</translation>
    </message>
    <message>
        <source>Pools</source>
        <translation>进程池</translation>
    </message>
    <message>
        <source>Python docs, multiprocessing.Queue.empty(): &quot;Because of multithreading/multiprocessing semantics, this is not reliable.&quot;</source>
        <translation>Python 文档，multiprocessing.Queue.empty()：“由于多线程/多进程的语义，该结果并不可靠。”</translation>
    </message>
    <message>
        <source>Python docs, multiprocessing examples: workers run `for func, args in iter(input.get, &apos;STOP&apos;)` and the main process puts one &apos;STOP&apos; per worker.</source>
        <translation>Python 文档，multiprocessing 示例：工作进程执行 `for func, args in iter(input.get, &apos;STOP&apos;)`，主进程为每个工作进程放入一个 &apos;STOP&apos;。</translation>
    </message>
    <message>
        <source>The post, loop 1: get(), then break if empty()</source>
        <translation>原文博客，循环 1：先 get()，若 empty() 则 break</translation>
    </message>
    <message>
        <source>Each worker takes an item and then asks q.empty(). Whoever takes the last item sees an empty queue and breaks before processing it, so the last item is dropped after being taken (sometimes several, when workers race for the tail). The other workers are already back in a blocking q.get() on a queue that will never get another item, so they wait forever and Pool.join() never returns: a deadlock with lost items.</source>
        <translation>每个工作进程先取走一个条目，再调用 q.empty()。取走最后一个条目的工作进程看到队列已空，还没处理就 break 退出，于是最后一个条目在被取走后被丢弃（多个工作进程争抢队尾时，有时会丢弃好几个）。其他工作进程此时已回到阻塞的 q.get() 中，而这个队列再也不会有新条目，于是它们永远等待下去，Pool.join() 永远不会返回：既死锁，又丢失条目。</translation>
    </message>
    <message>
        <source>drops the last item, sometimes more; usually deadlocks</source>
        <translation>丢弃最后一个条目，有时不止一个；通常会死锁</translation>
    </message>
    <message>
        <source>The post, loop 2: while not empty(): get()</source>
        <translation>原文博客，循环 2：while not empty(): get()</translation>
    </message>
    <message>
        <source>Check-then-act: two workers can both see q.empty() == False when one item is left. One takes it; the other calls q.get() on what is now an empty queue and blocks forever. Nothing is lost, but the run hangs in most runs with fast items, and less often when each item takes longer (the workers then rarely check at the same moment).</source>
        <translation>“先检查后执行”：只剩一个条目时，两个工作进程可能都看到 q.empty() == False。其中一个取走了它；另一个对此时已空的队列调用 q.get()，于是永远阻塞。没有条目丢失，但条目处理很快时，大多数运行都会挂起；每个条目耗时较长时则较少发生（此时工作进程很少在同一时刻检查）。</translation>
    </message>
    <message>
        <source>processes everything; often deadlocks</source>
        <translation>全部处理完毕；但经常死锁</translation>
    </message>
    <message>
        <source>The post, loop 3: one &apos;end&apos; sentinel</source>
        <translation>原文博客，循环 3：一个 &apos;end&apos; 哨兵值</translation>
    </message>
    <message>
        <source>One &apos;end&apos; marker after the items releases exactly one worker. The q.empty() check releases at most one more (the one that takes the last object). Every other worker blocks in q.get() after the queue is drained. With more workers it always hangs; with two or three it can occasionally slip out, and items can be dropped when a worker sees empty() == True right after taking one.</source>
        <translation>条目之后的一个 &apos;end&apos; 标记只能放行恰好一个工作进程。q.empty() 检查最多再放行一个（取走最后一个对象的那个）。队列取空后，其余工作进程都阻塞在 q.get() 中。工作进程较多时必定挂起；只有两三个时偶尔能侥幸退出，而且如果某个工作进程刚取走一个条目就看到 empty() == True，条目也可能被丢弃。</translation>
    </message>
    <message>
        <source>releases one worker; the rest deadlock</source>
        <translation>只放行一个工作进程；其余的死锁</translation>
    </message>
    <message>
        <source>The post, loop 4 (its fix): one &apos;end&apos; per worker</source>
        <translation>原文博客，循环 4（它的修复）：每个工作进程一个 &apos;end&apos;</translation>
    </message>
    <message>
        <source>The post&apos;s final code: the same loop, but the main process puts one &apos;end&apos; per worker. Every worker gets its own marker, so all of them leave. The q.empty() check is now redundant but harmless: while any item is left, at least one &apos;end&apos; is still behind it, so empty() cannot be True for a worker holding a real item.</source>
        <translation>原文博客的最终代码：循环不变，但主进程为每个工作进程放入一个 &apos;end&apos;。每个工作进程都能拿到属于自己的标记，因此全部都能退出。此时 q.empty() 检查已是多余的，但无害：只要还剩有条目，它后面至少还有一个 &apos;end&apos;，所以持有真实条目的工作进程不可能看到 empty() 为 True。</translation>
    </message>
    <message>
        <source>correct: every worker exits</source>
        <translation>正确：每个工作进程都会退出</translation>
    </message>
    <message>
        <source>Docs recipe: iter(q.get, &apos;STOP&apos;) with one STOP per worker</source>
        <translation>文档做法：iter(q.get, &apos;STOP&apos;)，每个工作进程一个 STOP</translation>
    </message>
    <message>
        <source>The pattern from the Python docs. Workers never ask whether the queue is empty; they stop only when they receive a STOP, and the main process puts exactly one per worker after the items. Queues are FIFO, so every item is taken before any STOP.</source>
        <translation>这是 Python 文档中的模式。工作进程从不询问队列是否为空；只有收到 STOP 才停止，而主进程在条目之后为每个工作进程恰好放入一个 STOP。队列是先进先出的，所以所有条目都会在任何 STOP 之前被取走。</translation>
    </message>
    <message>
        <source>correct</source>
        <translation>正确</translation>
    </message>
    <message>
        <source>Docs recipe in batches: lists of items, one STOP per worker</source>
        <translation>按批的文档做法：条目成列表放入，每个工作进程一个 STOP</translation>
    </message>
    <message>
        <source>The docs&apos; STOP recipe, with the items put in lists of batch_size: one put and one get move a whole batch, so a queue&apos;s cost per item shrinks by about the batch size. The price: an item waits until its batch is full and then until its batch&apos;s earlier items are done (latency), a batch is held in memory whole on both sides, and a worker that dies takes its whole batch with it: every item of that batch is lost, not one.</source>
        <translation>文档中的 STOP 做法，但条目按 batch_size 个一组放入列表：一次 q.put() 和一次 q.get() 搬运整批，所以队列分摊到每个条目的开销大约降低为原来的批大小分之一。代价是：一个条目要等它所在的批装满，再等同批中排在前面的条目处理完（延迟）；一整批在两端都要整体占用内存；一个工作进程死掉时会带走整批：该批的每个条目都会丢失，而不只是一个。</translation>
    </message>
    <message>
        <source>correct; a dead worker loses its whole batch</source>
        <translation>正确；死掉的工作进程会丢失它的整批</translation>
    </message>
    <message>
        <source>One sentinel, put back by each worker</source>
        <translation>单个哨兵值，由每个工作进程放回</translation>
    </message>
    <message>
        <source>A single STOP follows the items. A worker that takes it puts it back before exiting, so the next worker finds it too. One marker is enough for any number of workers; the marker is left in the queue at the end.</source>
        <translation>条目之后跟着一个 STOP。取到它的工作进程在退出前把它放回队列，这样下一个工作进程也能取到。无论有多少工作进程，一个标记就够了；结束时该标记会遗留在队列中。</translation>
    </message>
    <message>
        <source>get(timeout=t), exit on queue.Empty</source>
        <translation>get(timeout=t)，遇到 queue.Empty 时退出</translation>
    </message>
    <message>
        <source>Workers never block forever: after t seconds without an item they leave. This ends reliably when the queue is filled up front, but it guesses: a producer slower than t (or a pause longer than t) makes workers leave early and items stay in the queue.</source>
        <translation>工作进程永远不会无限阻塞：连续 t 秒没有取到条目就退出。如果队列事先已填满，这种方式能可靠结束，但它是在猜测：生产者放入条目的间隔超过 t（或中途停顿超过 t）时，工作进程会过早退出，条目留在队列中。</translation>
    </message>
    <message>
        <source>Python docs, Queue.get(block, timeout): raises queue.Empty if no item was available within that time.</source>
        <translation>Python 文档，Queue.get(block, timeout)：如果在该时间内没有可用的条目，则抛出 queue.Empty。</translation>
    </message>
    <message>
        <source>correct when prefilled; loses items to a slow producer</source>
        <translation>预先填满时正确；生产者较慢时会丢失条目</translation>
    </message>
    <message>
        <source>get_nowait(), exit on queue.Empty</source>
        <translation>get_nowait()，遇到 queue.Empty 时退出</translation>
    </message>
    <message>
        <source>Workers leave at the first moment the queue looks empty. With an mp queue an item that the producer&apos;s feeder thread has not yet flushed into the pipe is invisible, so workers can leave while items are still on their way; with a concurrent producer this loses items.</source>
        <translation>队列一看起来为空，工作进程就立即退出。对于 multiprocessing 队列，生产者的后台馈送线程尚未写入管道的条目是不可见的，因此条目还在途中时工作进程就可能退出；如果生产者同时还在放入条目，就会丢失条目。</translation>
    </message>
    <message>
        <source>ends, but can leave items behind</source>
        <translation>能结束，但可能遗留条目</translation>
    </message>
    <message>
        <source>JoinableQueue: task_done(), join(), then stop the workers</source>
        <translation>JoinableQueue：task_done()、join()，然后停止工作进程</translation>
    </message>
    <message>
        <source>Each worker calls task_done() after every item. The main process waits in q.join() until every item is done, then puts one None per worker to stop them.</source>
        <translation>每个工作进程在处理完每个条目后调用 task_done()。主进程在 q.join() 中等待，直到所有条目都已完成，然后为每个工作进程放入一个 None 来停止它们。</translation>
    </message>
    <message>
        <source>Python docs, JoinableQueue.join(): blocks until all items in the queue have been gotten and processed.</source>
        <translation>Python 文档，JoinableQueue.join()：阻塞，直到队列中的所有条目都已被取出并处理完毕。</translation>
    </message>
    <message>
        <source>A stop Event, workers poll with get(timeout)</source>
        <translation>用于停止的 Event，工作进程用 get(timeout) 轮询</translation>
    </message>
    <message>
        <source>Workers poll the queue with a timeout and leave when it times out and the stop Event is set. The main process sets the Event once the queue has drained.</source>
        <translation>工作进程带超时地轮询队列，在超时且停止 Event 已被设置时退出。队列取空后，主进程设置该 Event。</translation>
    </message>
    <message>
        <source>Python docs, multiprocessing.Event: a clone of threading.Event.</source>
        <translation>Python 文档，multiprocessing.Event：threading.Event 的克隆。</translation>
    </message>
    <message>
        <source>Pool.imap_unordered(process, items, chunksize)</source>
        <translation>Pool.imap_unordered(process, items, chunksize)</translation>
    </message>
    <message>
        <source>No queue of your own: the pool feeds items to its processes and knows when they are all done. Larger chunks cut the per-item IPC cost.</source>
        <translation>无需自己的队列：进程池负责把条目分发给其中的进程，并知道它们何时全部完成。较大的分块能降低每个条目的进程间通信开销。</translation>
    </message>
    <message>
        <source>Python docs, Pool.imap_unordered: like imap(), but results come in any order.</source>
        <translation>Python 文档，Pool.imap_unordered：与 imap() 类似，但结果以任意顺序返回。</translation>
    </message>
    <message>
        <source>ProcessPoolExecutor.map(process, items, chunksize)</source>
        <translation>ProcessPoolExecutor.map(process, items, chunksize)</translation>
    </message>
    <message>
        <source>concurrent.futures does the queueing and the shutdown; a worker that dies breaks the pool loudly (BrokenProcessPool) instead of hanging.</source>
        <translation>concurrent.futures 负责排队和关闭；某个工作进程意外终止时，进程池会明确报错（BrokenProcessPool），而不是挂起。</translation>
    </message>
    <message>
        <source>Python docs, Executor.map: chunksize only matters for ProcessPoolExecutor.</source>
        <translation>Python 文档，Executor.map：chunksize 只对 ProcessPoolExecutor 有效。</translation>
    </message>
    <message>
        <source>A plain multiprocessing.Queue passed to Pool.apply_async</source>
        <translation>把普通的 multiprocessing.Queue 传给 Pool.apply_async</translation>
    </message>
    <message>
        <source>A multiprocessing.Queue can only reach a process by inheritance. Passing it as a task argument fails while the pool pickles the task: RuntimeError: Queue objects should only be shared between processes through inheritance. The post&apos;s code never calls .get() on the AsyncResult, so there the error is silent and nothing runs.</source>
        <translation>multiprocessing.Queue 只能通过继承传给进程。把它作为任务参数传递时，进程池在序列化任务时就会失败，抛出 RuntimeError，提示 Queue 对象只应通过继承在进程间共享。原文博客的代码从不对 AsyncResult 调用 .get()，所以在那里这个错误悄无声息，什么都不会运行。</translation>
    </message>
    <message>
        <source>Python docs, programming guidelines: a queue should be passed to a child process as an argument of its constructor (inheritance).</source>
        <translation>Python 文档，编程指导：应当把队列作为子进程构造函数的参数传给子进程（继承）。</translation>
    </message>
    <message>
        <source>crashes before any worker starts</source>
        <translation>在任何工作进程启动之前就崩溃</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>{shown}, … ({count} in all)</source>
        <translation>{shown}，…（共 {count} 个）</translation>
    </message>
    <message>
        <source>took item {item}</source>
        <translation>取走条目 {item}</translation>
    </message>
    <message>
        <source>started (pid {pid})</source>
        <translation>已启动（进程 ID {pid}）</translation>
    </message>
    <message>
        <source>took a sentinel</source>
        <translation>取到一个哨兵值</translation>
    </message>
    <message>
        <source>waiting in q.get()</source>
        <translation>在 q.get() 中等待</translation>
    </message>
    <message>
        <source>blocked in q.get() forever: deadlock proven</source>
        <translation>永远阻塞在 q.get() 中：已证明死锁</translation>
    </message>
    <message>
        <source>crashed: raised {error}</source>
        <translation>已崩溃：抛出 {error}</translation>
    </message>
    <message>
        <source>crashed: the process ended with exit code {code} without reporting it</source>
        <translation>已崩溃：进程以退出码 {code} 结束，且未报告</translation>
    </message>
    <message>
        <source>crashed: the process ended without reporting it</source>
        <translation>已崩溃：进程已结束，且未报告</translation>
    </message>
    <message>
        <source>crashed: its pool task failed: {error}</source>
        <translation>已崩溃：其进程池任务失败：{error}</translation>
    </message>
    <message>
        <source>vanished: its heartbeat expired (it died or lost the network)</source>
        <translation>已消失：它的心跳已过期（它死掉了或断了网）</translation>
    </message>
    <message>
        <source>stopped (SIGSTOP): alive, but cannot run</source>
        <translation>已停止（SIGSTOP）：仍然存活，但无法运行</translation>
    </message>
    <message>
        <source>log: the monitor looks at the workers every {ms} ms, so it shows {shown} of {takes} takes (the others happened between two looks); every item is in the table</source>
        <translation>日志：监视器每 {ms} ms 查看一次工作进程，因此只显示了 {takes} 次取走中的 {shown} 次（其余发生在两次查看之间）；所有条目都在表格中</translation>
    </message>
    <message>
        <source>saw q.empty() == True</source>
        <translation>看到 q.empty() == True</translation>
    </message>
    <message>
        <source>the run cannot start: {reason}</source>
        <translation>无法开始运行：{reason}</translation>
    </message>
    <message>
        <source>a run is already in progress; wait for it or cancel it</source>
        <translation>已有一次运行正在进行；请等待其结束或将其取消</translation>
    </message>
    <message>
        <source>manager</source>
        <translation>管理器</translation>
    </message>
    <message>
        <source>mp</source>
        <translation>mp</translation>
    </message>
    <message>
        <source>joinable</source>
        <translation>JoinableQueue</translation>
    </message>
    <message>
        <source>not a regular file</source>
        <translation>不是普通文件</translation>
    </message>
    <message>
        <source>no file can be created in this directory</source>
        <translation>无法在此目录中创建文件</translation>
    </message>
    <message>
        <source>cannot reserve shared memory in {dir}: {error}; set TMPDIR to a writable directory</source>
        <translation>无法在 {dir} 中预留共享内存：{error}；请将 TMPDIR 设置为一个可写的目录</translation>
    </message>
    <message>
        <source>not enough shared memory: need {need} MB, {free}; set TMPDIR or free space</source>
        <translation>共享内存不足：需要 {need} MB，{free}；请设置 TMPDIR 或释放空间</translation>
    </message>
    <message>
        <source>{free} MB free in {dir}</source>
        <translation>{dir} 中可用 {free} MB</translation>
    </message>
    <message>
        <source>not enough shared memory for semaphores: need {need} MB, {free} MB free in {dir}; free space there</source>
        <translation>信号量所需的共享内存不足：需要 {need} MB，{dir} 中仅有 {free} MB 可用；请在该处释放空间</translation>
    </message>
    <message>
        <source>cannot write to standard output: {reason}</source>
        <translation>无法写入标准输出：{reason}</translation>
    </message>
    <message>
        <source>one of --strategy ID, --loop FILE and --schedule FILE is required</source>
        <translation>需要 --strategy ID、--loop FILE 和 --schedule FILE 之一</translation>
    </message>
    <message>
        <source>--free-after needs --schedule FILE</source>
        <translation>--free-after 需要 --schedule FILE</translation>
    </message>
    <message>
        <source>the schedule is for strategy {schedule}, not {strategy}</source>
        <translation>该调度属于策略 {schedule}，而不是 {strategy}</translation>
    </message>
    <message>
        <source>the run left the schedule at {where}</source>
        <translation>运行在 {where} 偏离了调度</translation>
    </message>
    <message>
        <source>strategy {strategy} cannot have remote workers: they need a Redis list as the queue, processes of their own (not Pool tasks) and no more than --workers</source>
        <translation>策略 {strategy} 不能有远程工作进程：它们需要 Redis 列表作为队列、自己的进程（而不是 Pool 任务），且数量不超过 --workers</translation>
    </message>
    <message>
        <source>too few open files allowed for {processes} processes at once: about {needed} needed, the limit is {limit} (ulimit -n); raise it, or use fewer workers or parallel trials</source>
        <translation>允许打开的文件太少，无法同时运行 {processes} 个进程：大约需要 {needed} 个，上限为 {limit}（ulimit -n）；请提高上限，或减少工作进程或并行试验的数量</translation>
    </message>
    <message>
        <source>too few processes allowed for {workers} workers at once: about {needed} more needed, {free} of the limit of {limit} are free (ulimit -u); raise it, or use fewer workers or parallel trials</source>
        <translation>允许的进程数太少，无法同时运行 {workers} 个工作进程：还需要大约 {needed} 个，上限 {limit} 中只有 {free} 个空闲（ulimit -u）；请提高上限，或减少工作进程或并行试验的数量</translation>
    </message>
    <message>
        <source>Cleaned up after runs whose program ended abruptly (runs: {runs}; processes ended: {processes}; semaphores removed: {resources}; folders removed: {directories}).</source>
        <translation>已清理程序意外结束的运行所留下的内容（运行：{runs}；结束的进程：{processes}；删除的信号量：{resources}；删除的文件夹：{directories}）。</translation>
    </message>
    <message>
        <source>{path} is not a schedule: {reason}</source>
        <translation>{path} 不是调度文件：{reason}</translation>
    </message>
    <message>
        <source>not valid JSON (truncated or malformed) at line {line}</source>
        <translation>第 {line} 行不是有效的 JSON（被截断或格式错误）</translation>
    </message>
    <message>
        <source>the file holds no JSON object</source>
        <translation>该文件不包含 JSON 对象</translation>
    </message>
    <message>
        <source>its format is {found}, not {expected}</source>
        <translation>其格式为 {found}，而不是 {expected}</translation>
    </message>
    <message>
        <source>format version {found} is unknown (this build reads {known})</source>
        <translation>格式版本 {found} 未知（此版本读取 {known}）</translation>
    </message>
    <message>
        <source>{field} is {value}, expected {expected}</source>
        <translation>{field} 为 {value}，应为 {expected}</translation>
    </message>
    <message>
        <source>step {index}: {reason}</source>
        <translation>第 {index} 步：{reason}</translation>
    </message>
    <message>
        <source>worker {who} does not exist in a run of {workers} workers</source>
        <translation>在有 {workers} 个工作进程的运行中不存在工作进程 {who}</translation>
    </message>
    <message>
        <source>{who} cannot run {op}: a flush is a feeder&apos;s (F1..Fn, FP) and a feeder only flushes</source>
        <translation>{who} 不能运行 {op}：flush 属于馈送线程（F1..Fn、FP），而馈送线程只会 flush</translation>
    </message>
    <message>
        <source>{who} flushes, but the schedule&apos;s params.feeder is not steps</source>
        <translation>{who} 在 flush，但调度文件的 params.feeder 不是 steps</translation>
    </message>
    <message>
        <source>step mode cannot step {strategy}: its pool hands out the items, not a queue of ours</source>
        <translation>单步模式无法单步执行 {strategy}：由它的进程池分发条目，而不是由我们的队列</translation>
    </message>
    <message>
        <source>{who} moves, but {strategy} has no main-process step while the workers run</source>
        <translation>{who} 有动作，但 {strategy} 在工作进程运行期间没有主进程步骤</translation>
    </message>
    <message>
        <source>step mode cannot step {strategy}: its join() waits for Redis processing lists, which a step cannot count</source>
        <translation>单步模式无法单步执行 {strategy}：它的 join() 等待的是 Redis 处理列表，单步无法计数</translation>
    </message>
    <message>
        <source>step mode runs without an injected fault</source>
        <translation>单步模式运行时不能注入故障</translation>
    </message>
    <message>
        <source>step mode cannot step workers on other hosts: their queue operations do not pass through this machine&apos;s gate; set the remote workers to 0</source>
        <translation>单步模式无法控制其他主机上的工作进程：它们的队列操作不经过本机的关卡；请把远程工作进程设为 0</translation>
    </message>
    <message>
        <source>{who} has ended</source>
        <translation>{who} 已结束</translation>
    </message>
    <message>
        <source>{who} is about to run {actual}, the schedule says {expected}</source>
        <translation>{who} 即将执行 {actual}，调度中是 {expected}</translation>
    </message>
    <message>
        <source>{who} {op} got {actual}, the schedule says {expected}</source>
        <translation>{who} {op} 得到 {actual}，调度中是 {expected}</translation>
    </message>
    <message>
        <source>the schedule ends, but {who} can still run {op}</source>
        <translation>调度已结束，但 {who} 仍可执行 {op}</translation>
    </message>
    <message>
        <source>{who} has nothing to flush</source>
        <translation>{who} 没有可以 flush 的内容</translation>
    </message>
    <message>
        <source>feeder steps need an mp or joinable queue: a {queue} queue&apos;s put is complete when it returns</source>
        <translation>馈送步骤需要 mp 或 joinable 队列：{queue} 队列的 put 在返回时就已完成</translation>
    </message>
    <message>
        <source>one of --strategy ID and --loop FILE is required</source>
        <translation>需要 --strategy ID 和 --loop FILE 之一</translation>
    </message>
    <message>
        <source>unknown strategy {strategy}; see main.py strategies</source>
        <translation>未知策略 {strategy}；见 main.py strategies</translation>
    </message>
    <message>
        <source>{option} must be from {low} to {high}, not {value}</source>
        <translation>{option} 必须在 {low} 到 {high} 之间，而不是 {value}</translation>
    </message>
    <message>
        <source>no failing schedule among {schedules} (all of them, for {workers}, {items})</source>
        <translation>在 {schedules} 中没有失败的调度（已是全部调度，{workers}，{items}）</translation>
    </message>
    <message>
        <source>no failing schedule: every one of {states} reachable states explored, in {runs} model runs (the loops poll, so their schedules have no end; for {workers}, {items})</source>
        <translation>没有失败的调度：已探索全部 {states} 个可达状态，共 {runs} 次模型运行（这些循环会轮询，所以它们的调度没有尽头；{workers}，{items}）</translation>
    </message>
    <message>
        <source>no failing schedule among {schedules} (all of them with at most {bound} preemptions, for {workers}, {items})</source>
        <translation>在 {schedules} 中没有失败的调度（已是抢占次数不超过 {bound} 的全部调度，{workers}，{items}）</translation>
    </message>
    <message>
        <source>no failing schedule among the first {schedules} (the search stopped at {limit})</source>
        <translation>在前 {schedules} 中没有失败的调度（搜索在 {limit} 处停止）</translation>
    </message>
    <message>
        <source>no failing schedule among {schedules} random ones (PCT depth {depth}, seed {seed})</source>
        <translation>在 {schedules} 个随机调度中没有失败的调度（PCT 深度 {depth}，种子 {seed}）</translation>
    </message>
    <message>
        <source>cancelled after {schedules} ({states} states): no failing schedule so far</source>
        <translation>在 {schedules}（{states} 个状态）之后已取消：目前没有失败的调度</translation>
    </message>
    <message>
        <source>found: {outcomes} after {schedules} ({states} states, {elapsed} s)</source>
        <translation>找到：{outcomes}，共尝试 {schedules}（{states} 个状态，{elapsed} 秒）</translation>
    </message>
    <message>
        <source>lost items: {ids}</source>
        <translation>丢失的条目：{ids}</translation>
    </message>
    <message>
        <source>{who} saw {operation} → {result}</source>
        <translation>{who} 看到 {operation} → {result}</translation>
    </message>
    <message>
        <source>{who} took the last item ({what})</source>
        <translation>{who} 取走了最后一个条目（{what}）</translation>
    </message>
    <message>
        <source>{who} took the last one in the queue ({what})</source>
        <translation>{who} 取走了队列中的最后一个（{what}）</translation>
    </message>
    <message>
        <source>{who} blocked in {operation} forever</source>
        <translation>{who} 永远阻塞在 {operation} 中</translation>
    </message>
    <message>
        <source>{who} saw {operation} → {result} and left its loop</source>
        <translation>{who} 看到 {operation} → {result}，于是离开了循环</translation>
    </message>
    <message>
        <source>{ids} never processed</source>
        <translation>{ids} 从未被处理</translation>
    </message>
    <message>
        <source>{ids} processed more than once</source>
        <translation>{ids} 被处理了不止一次</translation>
    </message>
    <message>
        <source>{who} crashed</source>
        <translation>{who} 崩溃了</translation>
    </message>
    <message>
        <source>item {ids}</source>
        <translation>条目 {ids}</translation>
    </message>
    <message>
        <source>items {ids}</source>
        <translation>条目 {ids}</translation>
    </message>
    <message>
        <source>a shortest failing schedule ({steps} steps):</source>
        <translation>一个最短的失败调度（{steps} 步）：</translation>
    </message>
    <message>
        <source>confirmed on real processes: the real run agreed</source>
        <translation>已在真实进程上确认：真实运行结果一致</translation>
    </message>
    <message>
        <source>NOT confirmed: the real run ended with {outcomes}, lost {lost} (a bug of the model)</source>
        <translation>未确认：真实运行以 {outcomes} 结束，丢失 {lost}（模型的缺陷）</translation>
    </message>
    <message>
        <source>NOT confirmed: the real run left the schedule at {where} (a bug of the model)</source>
        <translation>未确认：真实运行在 {where} 偏离了调度（模型的缺陷）</translation>
    </message>
    <message>
        <source>schedule written to {path}</source>
        <translation>调度已写入 {path}</translation>
    </message>
    <message>
        <source>{count} schedule</source>
        <translation>{count} 个调度</translation>
    </message>
    <message>
        <source>{count} schedules</source>
        <translation>{count} 个调度</translation>
    </message>
    <message>
        <source>{count} worker</source>
        <translation>{count} 个工作进程</translation>
    </message>
    <message>
        <source>{count} workers</source>
        <translation>{count} 个工作进程</translation>
    </message>
    <message>
        <source>{count} item</source>
        <translation>{count} 个条目</translation>
    </message>
    <message>
        <source>{count} items</source>
        <translation>{count} 个条目</translation>
    </message>
    <message>
        <source>give one of --strategy ID and --loop FILE, not both</source>
        <translation>请只给出 --strategy ID 和 --loop FILE 之一，不要同时给出</translation>
    </message>
    <message>
        <source>importing it raised {error}</source>
        <translation>导入时抛出了 {error}</translation>
    </message>
    <message>
        <source>importing it ended its process (exit code {code})</source>
        <translation>导入时结束了它的进程（退出码 {code}）</translation>
    </message>
    <message>
        <source>importing it took longer than {seconds} s: its top-level code does not return</source>
        <translation>导入用时超过 {seconds} 秒：它的顶层代码没有返回</translation>
    </message>
    <message>
        <source>once imported, {function} is not a function</source>
        <translation>导入之后，{function} 不是函数</translation>
    </message>
    <message>
        <source>finish(run) ended its process (exit code {code})</source>
        <translation>finish(run) 结束了它的进程（退出码 {code}）</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>none found (not exhaustive)</source>
        <translation>没有找到（未穷举）</translation>
    </message>
    <message>
        <source>too large</source>
        <translation>太大</translation>
    </message>
    <message>
        <source>not explorable</source>
        <translation>无法探索</translation>
    </message>
    <message>
        <source>do not put the password in the URL ({url}): other users can read command lines; use --redis-password-file FILE or QUEUESCOPE_REDIS_PASSWORD</source>
        <translation>不要把密码写在 URL 中（{url}）：其他用户能看到命令行；请使用 --redis-password-file FILE 或 QUEUESCOPE_REDIS_PASSWORD</translation>
    </message>
    <message>
        <source>--redis-password-file needs --redis URL</source>
        <translation>--redis-password-file 需要同时给出 --redis URL</translation>
    </message>
    <message>
        <source>--remote-workers needs --queue redis and --redis URL: a server the other hosts can reach</source>
        <translation>--remote-workers 需要 --queue redis 和 --redis URL：一个其他主机能连接到的服务器</translation>
    </message>
    <message>
        <source>--remote-workers must be between 0 and --workers</source>
        <translation>--remote-workers 必须在 0 和 --workers 之间</translation>
    </message>
    <message>
        <source>--remote-wait must be more than 0 seconds</source>
        <translation>--remote-wait 必须大于 0 秒</translation>
    </message>
    <message>
        <source>cannot read the password file {path}: {reason}</source>
        <translation>无法读取密码文件 {path}：{reason}</translation>
    </message>
    <message>
        <source>Redis docs, LMOVE: &apos;Pattern: Reliable queue&apos; (BLMOVE into a processing list); rq docs: rq worker --burst.</source>
        <translation>Redis 文档 LMOVE 一节的“可靠队列”模式（用 BLMOVE 把条目移入处理列表）；rq 文档：`rq worker --burst`。</translation>
    </message>
    <message>
        <source>Redis: burst workers (exit when the list is empty)</source>
        <translation>Redis：突发式工作进程（列表为空即退出）</translation>
    </message>
    <message>
        <source>Like rq worker --burst: each worker pops items without waiting (LMOVE) and exits as soon as the list is empty. Correct when every item is in before the workers start (prefill); with a concurrent producer a worker that finds the list empty for a moment leaves early, and items can be left behind.</source>
        <translation>与 `rq worker --burst` 相同：每个工作进程不等待地取条目（LMOVE），一旦列表为空就退出。如果所有条目在工作进程启动前都已放入（预先填充），这是正确的；若生产者并发运行，某个工作进程在列表短暂为空时就会提前离开，条目可能被留下。</translation>
    </message>
    <message>
        <source>correct with prefill; may leave items otherwise</source>
        <translation>预先填充时正确；否则可能留下条目</translation>
    </message>
    <message>
        <source>Redis: reliable queue with a reaper</source>
        <translation>Redis：带回收器的可靠队列</translation>
    </message>
    <message>
        <source>Workers move each item into their own processing list (BLMOVE) and take it out when they are done. The main process waits until the queue and every processing list are empty; meanwhile it moves the items of a worker whose connection is gone back to the queue, so nothing is lost. The price: an item the vanished worker was working on may be processed twice. Then it sets the stop event.</source>
        <translation>工作进程把每个条目移入自己的处理列表（BLMOVE），处理完后再移出。主进程等待队列和所有处理列表都变空；同时把连接已断开的工作进程的条目移回队列，所以不会丢失任何条目。代价是：消失的工作进程正在处理的条目可能被处理两次。之后主进程设置停止事件。</translation>
    </message>
    <message>
        <source>correct; a vanished worker&apos;s item is done twice</source>
        <translation>正确；消失的工作进程手上的条目会被处理两次</translation>
    </message>
    <message>
        <source>the lab&apos;s redis-server exited</source>
        <translation>实验室自己的 redis-server 已退出</translation>
    </message>
    <message>
        <source>redis</source>
        <translation>Redis</translation>
    </message>
    <message>
        <source>the redis queue needs the redis Python package: pip install redis</source>
        <translation>redis 队列需要 redis Python 包：pip install redis</translation>
    </message>
    <message>
        <source>redis-server not found: install it (apt-get install redis-server) or use a running server with --redis URL</source>
        <translation>找不到 redis-server：请安装它（apt-get install redis-server），或用 --redis URL 使用一个正在运行的服务器</translation>
    </message>
    <message>
        <source>the Redis server at {where} is version {version}; the redis queue needs 6.2 or newer (for BLMOVE): upgrade it or use another server</source>
        <translation>位于 {where} 的 Redis 服务器版本是 {version}；redis 队列需要 6.2 或更新版本（为了 BLMOVE）：请升级它或换一个服务器</translation>
    </message>
    <message>
        <source>cannot reach the Redis server at {where}: {reason}; check the URL and that it runs</source>
        <translation>无法连接位于 {where} 的 Redis 服务器：{reason}；请检查 URL 以及服务器是否在运行</translation>
    </message>
    <message>
        <source>the Redis server at {where} refused the password: give the right one with --redis-password-file FILE or QUEUESCOPE_REDIS_PASSWORD</source>
        <translation>位于 {where} 的 Redis 服务器拒绝了密码：请用 --redis-password-file FILE 或 QUEUESCOPE_REDIS_PASSWORD 给出正确的密码</translation>
    </message>
    <message>
        <source>not a Redis URL: {url}; use redis://HOST:PORT/DB or unix:///PATH/TO/SOCKET</source>
        <translation>不是 Redis URL：{url}；请使用 redis://HOST:PORT/DB 或 unix:///PATH/TO/SOCKET</translation>
    </message>
    <message>
        <source>the lab&apos;s own redis-server did not start: {reason}</source>
        <translation>实验室自己的 redis-server 没有启动：{reason}</translation>
    </message>
    <message>
        <source>not a run id: {run}; use the one the run printed (12 hex digits)</source>
        <translation>不是运行 id：{run}；请使用运行打印出的那个（12 位十六进制数）</translation>
    </message>
    <message>
        <source>no run {run} waits for workers on the Redis server at {where}: check the run id the run printed, and that the run still waits</source>
        <translation>位于 {where} 的 Redis 服务器上没有等待工作进程的运行 {run}：请检查运行打印出的 id，以及该运行是否仍在等待</translation>
    </message>
    <message>
        <source>the parameters of run {run} are not understood here: use the same QueueScope version</source>
        <translation>这里无法理解运行 {run} 的参数：请使用相同版本的 QueueScope</translation>
    </message>
    <message>
        <source>run {run} has all the workers it waits for</source>
        <translation>运行 {run} 已经有了它等待的全部工作进程</translation>
    </message>
    <message>
        <source>run {run} runs the loop file {file}: give this host&apos;s copy of it with --loop FILE</source>
        <translation>运行 {run} 运行的是循环文件 {file}：请用 --loop FILE 给出这台主机上的副本</translation>
    </message>
    <message>
        <source>run {run} runs the built-in strategy {strategy}: --loop is not for it</source>
        <translation>运行 {run} 运行的是内置策略 {strategy}：不需要 --loop</translation>
    </message>
    <message>
        <source>{path} is not the loop file run {run} runs ({file}, function {function}): copy the run&apos;s file to this host</source>
        <translation>{path} 不是运行 {run} 所用的循环文件（{file}，函数 {function}）：请把该运行的文件复制到这台主机</translation>
    </message>
    <message>
        <source>run {run} runs strategy {strategy}, which this QueueScope does not have</source>
        <translation>运行 {run} 运行的是策略 {strategy}，而这个 QueueScope 没有它</translation>
    </message>
    <message>
        <source>joined run {run} as worker {worker} of {workers}</source>
        <translation>已作为 {workers} 个工作进程中的第 {worker} 个加入运行 {run}</translation>
    </message>
    <message>
        <source>worker {worker} of run {run}: {processed} items processed, {state}</source>
        <translation>运行 {run} 的工作进程 {worker}：已处理 {processed} 个条目，{state}</translation>
    </message>
    <message>
        <source>run {run} ended</source>
        <translation>运行 {run} 已结束</translation>
    </message>
    <message>
        <source>lost the Redis server for more than {seconds} s: this worker ends</source>
        <translation>与 Redis 服务器失去连接超过 {seconds} 秒：这个工作进程结束</translation>
    </message>
    <message>
        <source>waiting up to {seconds} s for {count} remote workers; on each worker host run: python main.py worker --redis {url} --run {run} (with the password in --redis-password-file FILE or QUEUESCOPE_REDIS_PASSWORD)</source>
        <translation>最多等待 {seconds} 秒，等 {count} 个远程工作进程加入；请在每台工作主机上运行：python main.py worker --redis {url} --run {run}（密码放在 --redis-password-file FILE 或 QUEUESCOPE_REDIS_PASSWORD 中）</translation>
    </message>
    <message>
        <source>{came} of {count} remote workers joined run {run} in {seconds} s: start them with python main.py worker --redis {url} --run {run}, or wait longer with --remote-wait</source>
        <translation>{count} 个远程工作进程中有 {came} 个在 {seconds} 秒内加入了运行 {run}：请用 python main.py worker --redis {url} --run {run} 启动它们，或用 --remote-wait 等得更久</translation>
    </message>
    <message>
        <source>exploring the loop file failed: {error}</source>
        <translation>探索循环文件失败：{error}</translation>
    </message>
</context>
</TS>
