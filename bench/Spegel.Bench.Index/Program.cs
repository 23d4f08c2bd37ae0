using Spegel.Bench.Index;
using Spegel.Bench.Index.Reporting;
using Spegel.Bench.Index.Simulation;

var command = new BenchCommandLine().Build(async (settings, cancellationToken) =>
{
    var report = await IndexSimulation.RunAsync(settings, Console.Error, cancellationToken);
    ReportPrinter.Print(report, Console.Out);
    return report.Completed ? 0 : 1;
});
return await command.Parse(args).InvokeAsync();
