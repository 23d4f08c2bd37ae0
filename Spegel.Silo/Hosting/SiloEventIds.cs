namespace Spegel.Silo.Hosting;

/// <summary>Stable event ids of this assembly's log events (the mirror configuration's are 1100–1199).</summary>
internal static class SiloEventIds
{
    public const int SiloJoined = 2001;
    public const int SiloStartFailed = 2002;
    public const int SiloStopped = 2003;
    public const int SiloJoinSlow = 2004;
    public const int SiloStartFailure = 2005;
    public const int InventoryAdvertised = 2101;
    public const int InventoryWithdrawn = 2102;
    public const int ChangeApplied = 2103;
    public const int AdvertiseFailed = 2104;
    public const int ReadvertiseAfterSiloLoss = 2105;
    public const int FeedFailed = 2106;
    public const int AgentFailureDetail = 2107;
    public const int LocatorFailed = 2201;
}
