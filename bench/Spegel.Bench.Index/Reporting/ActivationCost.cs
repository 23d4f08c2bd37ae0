using Spegel.Bench.Index.Measurement;

namespace Spegel.Bench.Index.Reporting;

/// <summary>Live heap added by activating digest grains that hold no record.</summary>
internal sealed record ActivationCost(int Activations, HeapSnapshot Before, HeapSnapshot After)
{
    public double BytesPerActivation => Activations == 0 ? 0 : (double)(After.LiveBytes - Before.LiveBytes) / Activations;
}
