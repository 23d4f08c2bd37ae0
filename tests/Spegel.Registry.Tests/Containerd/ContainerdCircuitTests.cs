using Microsoft.Extensions.Time.Testing;
using Spegel.Registry.Containerd;

namespace Spegel.Registry.Tests.Containerd;

public sealed class ContainerdCircuitTests
{
    [Fact]
    public void RecordFailure_FirstOfAnOutage_OpensAndReportsTheChangeOnce()
    {
        var circuit = new ContainerdCircuit(new FakeTimeProvider(), TimeSpan.FromSeconds(1));

        var first = circuit.RecordFailure();
        var second = circuit.RecordFailure();

        Assert.True(first);
        Assert.False(second);
        Assert.True(circuit.IsOpen);
    }

    [Fact]
    public void IsOpen_AfterTheRetryDelay_LetsTheNextCallTry()
    {
        var time = new FakeTimeProvider();
        var circuit = new ContainerdCircuit(time, TimeSpan.FromSeconds(1));
        circuit.RecordFailure();

        time.Advance(TimeSpan.FromMilliseconds(999));
        var before = circuit.IsOpen;
        time.Advance(TimeSpan.FromMilliseconds(1));
        var after = circuit.IsOpen;

        Assert.True(before);
        Assert.False(after);
    }

    [Fact]
    public void RecordSuccess_AfterAnOutage_ClosesAndReportsTheChangeOnce()
    {
        var circuit = new ContainerdCircuit(new FakeTimeProvider(), TimeSpan.FromSeconds(1));
        circuit.RecordFailure();

        var first = circuit.RecordSuccess();
        var second = circuit.RecordSuccess();

        Assert.True(first);
        Assert.False(second);
        Assert.False(circuit.IsOpen);
    }
}
