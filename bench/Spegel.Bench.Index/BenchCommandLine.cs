using System.CommandLine;
using Spegel.Bench.Index.Simulation;

namespace Spegel.Bench.Index;

/// <summary>The command line of the index simulation; see bench/README-index.md.</summary>
internal sealed class BenchCommandLine
{
    private const int UsageError = 2;

    private readonly Option<int> _silos = Positive("--silos", "Silos in the in-process cluster", 3);
    private readonly Option<int> _nodes = Positive("--nodes", "Simulated nodes (agents)", 100);
    private readonly Option<int> _digestsPerNode = Positive("--digests-per-node", "Distinct digests each node holds", 5000);
    private readonly Option<int> _pool = Positive("--pool", "Digests the inventories are drawn from", 50_000);
    private readonly Option<double> _zipf = new("--zipf")
    {
        Description = "Exponent of the digests' Zipf popularity (0 = uniform)",
        DefaultValueFactory = _ => 1.0,
    };

    private readonly Option<int> _seed = new("--seed") { Description = "Seed of every random choice", DefaultValueFactory = _ => 1 };
    private readonly Option<int> _batchSize = Positive("--batch-size", "Digests per batch call (the agent sends 1000)", 1000);
    private readonly Option<int> _agentConcurrency = Positive("--agent-concurrency", "Agents advertising at the same time", 16);
    private readonly Option<int> _activationProbe = new("--activation-probe")
    {
        Description = "Fresh digest grains activated without records to measure an activation's cost (0 = skip)",
        DefaultValueFactory = _ => 20_000,
    };

    private readonly Option<double> _idleLookupSeconds = Seconds("--idle-lookup-seconds", "How long lookups run with no other load", 3);
    private readonly Option<double> _lookupSeconds = Seconds("--lookup-seconds", "How long lookups run under each background load", 10);
    private readonly Option<int> _lookupConcurrency = Positive("--lookup-concurrency", "Concurrent lookup loops, one lookup at a time each", 2);
    private readonly Option<double> _resyncSeconds = Seconds("--resync-seconds",
        "The agents' resync interval, which sets the paced background load (spegel's default is 300)", 300);

    private readonly Option<SiloLossKind> _siloLoss = new("--silo-loss")
    {
        Description = "How the silo is lost: kill or stop",
        DefaultValueFactory = _ => SiloLossKind.Kill,
    };

    private readonly Option<double> _jitterSeconds = Seconds("--silo-loss-jitter-seconds",
        "Largest random delay before an agent re-advertises after a silo loss (the agent's is 2)", 2);

    private readonly Option<double> _phaseTimeoutSeconds = Seconds("--phase-timeout-seconds", "Longest any one phase may take", 900);

    public RootCommand Build(Func<SimulationSettings, CancellationToken, Task<int>> run)
    {
        var root = new RootCommand(
            "Simulates many nodes advertising their inventories into the digest grains of an in-process cluster and measures " +
            "advertisement throughput, memory per record, lookup latency and the cost of re-advertising after a silo loss.");
        Option[] options = [_silos, _nodes, _digestsPerNode, _pool, _zipf, _seed, _batchSize, _agentConcurrency, _activationProbe,
            _idleLookupSeconds, _lookupSeconds, _lookupConcurrency, _resyncSeconds, _siloLoss, _jitterSeconds, _phaseTimeoutSeconds];
        foreach (var option in options)
        {
            root.Options.Add(option);
        }

        root.SetAction(async (result, cancellationToken) =>
        {
            var settings = Bind(result);
            var error = Validate(settings);
            if (error is not null)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"index-simulation: {error}");
                return UsageError;
            }

            return await run(settings, cancellationToken);
        });
        return root;
    }

    /// <summary>What is wrong with a combination of options, or null.</summary>
    private static string? Validate(SimulationSettings settings) =>
        settings.DigestsPerNode > settings.Pool ? "--digests-per-node cannot exceed --pool."
        : settings.Silos < 2 ? "--silos must be at least 2, so that one can be lost."
        : null;

    private SimulationSettings Bind(ParseResult result) => new()
    {
        Silos = result.GetValue(_silos),
        Nodes = result.GetValue(_nodes),
        DigestsPerNode = result.GetValue(_digestsPerNode),
        Pool = result.GetValue(_pool),
        ZipfExponent = result.GetValue(_zipf),
        Seed = result.GetValue(_seed),
        BatchSize = result.GetValue(_batchSize),
        AgentConcurrency = result.GetValue(_agentConcurrency),
        ActivationProbe = Math.Max(0, result.GetValue(_activationProbe)),
        IdleLookupDuration = TimeSpan.FromSeconds(result.GetValue(_idleLookupSeconds)),
        LookupDuration = TimeSpan.FromSeconds(result.GetValue(_lookupSeconds)),
        LookupConcurrency = result.GetValue(_lookupConcurrency),
        ResyncInterval = TimeSpan.FromSeconds(result.GetValue(_resyncSeconds)),
        SiloLoss = result.GetValue(_siloLoss),
        SiloLossJitter = TimeSpan.FromSeconds(result.GetValue(_jitterSeconds)),
        PhaseTimeout = TimeSpan.FromSeconds(result.GetValue(_phaseTimeoutSeconds)),
    };

    private static Option<int> Positive(string name, string description, int defaultValue)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() <= 0)
            {
                result.AddError($"{name} must be positive.");
            }
        });
        return option;
    }

    private static Option<double> Seconds(string name, string description, double defaultValue)
    {
        var option = new Option<double>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() < 0)
            {
                result.AddError($"{name} cannot be negative.");
            }
        });
        return option;
    }
}
