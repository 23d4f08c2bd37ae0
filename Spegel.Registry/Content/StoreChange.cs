using Spegel.Registry.Distribution;

namespace Spegel.Registry.Content;

/// <summary>What a <see cref="StoreChange"/> says happened.</summary>
public enum StoreChangeKind
{
    /// <summary>The listed tags and digests are now present.</summary>
    Added,

    /// <summary>The listed tags and digests are no longer present.</summary>
    Removed,

    /// <summary>
    /// The feed lost track (e.g. the store restarted): the consumer must take a fresh inventory, because changes
    /// may have been missed. Carries no tags or digests.
    /// </summary>
    Reset,
}

/// <summary>One notification from a store's change feed.</summary>
/// <param name="Kind">Whether content appeared, disappeared, or the consumer must resynchronise.</param>
/// <param name="Tags">Image names that now point at content here, or no longer do.</param>
/// <param name="Digests">Content that appeared or disappeared.</param>
public sealed record StoreChange(
    StoreChangeKind Kind, IReadOnlyList<ImageName> Tags, IReadOnlyList<ContentDescriptor> Digests)
{
    /// <summary>The notification that tells a consumer to take a fresh inventory.</summary>
    public static StoreChange Reset { get; } = new(StoreChangeKind.Reset, [], []);
}
