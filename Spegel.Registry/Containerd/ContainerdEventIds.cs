namespace Spegel.Registry.Containerd;

/// <summary>Stable ids of the containerd store's log events that operators search for (range 3000–3099).</summary>
internal static class ContainerdEventIds
{
    public const int Unreachable = 3000;
    public const int Reachable = 3001;
    public const int CallFailed = 3002;
    public const int WatchBroken = 3010;
    public const int WatchResumed = 3011;
    public const int ManifestUnreadable = 3020;
    public const int ImageSkipped = 3021;
}
