using System.Collections.Concurrent;
using Spegel.Registry.Content;
using Spegel.Registry.Distribution;
using Spegel.Registry.Mirroring;
using Spegel.TestSupport.Images;

namespace Spegel.Registry.Tests.Mirroring;

/// <summary>An in-memory cluster index that names the holders a test chooses and records what it is told.</summary>
internal sealed class FakeContentLocator : IContentLocator
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<PeerHolder>> _holders = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TagLocation> _tags = new(StringComparer.Ordinal);
    private int _lookups;

    public ConcurrentQueue<(Digest Digest, PeerHolder Holder)> CorruptReports { get; } = new();

    /// <summary>How many lookups (by tag or digest) were made.</summary>
    public int Lookups => Volatile.Read(ref _lookups);

    /// <summary>When set, every lookup throws it.</summary>
    public Exception? Failure { get; set; }

    /// <summary>Names <paramref name="holders"/> for every blob of <paramref name="image"/> and for its tag.</summary>
    public void Hold(TestImage image, params PeerHolder[] holders)
    {
        foreach (var blob in image.Blobs)
        {
            _holders[blob.Digest] = holders;
        }

        var target = new ContentDescriptor(Digest.Parse(image.Target.Digest), image.Target.Size, image.Target.MediaType);
        _tags[image.Name] = new TagLocation(target, holders);
    }

    public ValueTask<IReadOnlyList<PeerHolder>> FindHoldersAsync(Digest digest, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lookups);
        if (Failure is { } failure)
        {
            throw failure;
        }

        return ValueTask.FromResult(_holders.TryGetValue(digest.Value, out var holders) ? holders : (IReadOnlyList<PeerHolder>)[]);
    }

    public ValueTask<TagLocation?> ResolveTagAsync(ImageName name, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lookups);
        if (Failure is { } failure)
        {
            throw failure;
        }

        return ValueTask.FromResult(_tags.TryGetValue(name.ToString(), out var location) ? location : null);
    }

    public ValueTask ReportCorruptHolderAsync(Digest digest, PeerHolder holder, CancellationToken cancellationToken)
    {
        CorruptReports.Enqueue((digest, holder));
        return ValueTask.CompletedTask;
    }
}
