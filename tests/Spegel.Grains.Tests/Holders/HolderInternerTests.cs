using System.Net;
using Spegel.Grains.Holders;

namespace Spegel.Grains.Tests.Holders;

public sealed class HolderInternerTests
{
    private static readonly SiloAddress Silo = SiloAddress.New(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 11111), 1);

    [Fact]
    public void Intern_EqualHolders_ReturnsTheFirstInstance()
    {
        var interner = new HolderInterner();
        var first = Holder("node-a");

        interner.Intern(first);
        var again = interner.Intern(Holder("node-a"));

        Assert.Same(first, again);
    }

    [Fact]
    public void Intern_HoldersThatDiffer_KeepsThemApart()
    {
        var interner = new HolderInterner();
        var original = interner.Intern(Holder("node-a"));

        var moved = interner.Intern(Holder("node-a") with { Endpoint = "http://10.0.0.9:5000" });
        var other = interner.Intern(Holder("node-b"));

        Assert.NotSame(original, moved);
        Assert.Equal("http://10.0.0.9:5000", moved.Endpoint);
        Assert.Equal("node-b", other.Node);
    }

    [Fact]
    public void Intern_TableFull_StartsOverAndStillReturnsEqualHolders()
    {
        var interner = new HolderInterner();
        var first = interner.Intern(Holder("node-0"));
        for (var i = 1; i <= HolderInterner.MaxHolders; i++)
        {
            interner.Intern(Holder($"node-{i}"));
        }

        var again = interner.Intern(Holder("node-0"));

        Assert.Equal(first, again);
        Assert.NotSame(first, again);
    }

    private static Holder Holder(string node) => new(node, "http://10.0.0.1:5000", Silo);
}
