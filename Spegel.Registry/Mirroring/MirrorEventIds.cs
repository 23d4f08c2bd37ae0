namespace Spegel.Registry.Mirroring;

/// <summary>
/// Stable event ids of the peer mirror's log events, for operators who search logs by id. The 11xx block belongs to
/// the mirror; <see cref="Http.RegistryEventIds"/> holds the endpoint's 10xx block.
/// </summary>
internal static class MirrorEventIds
{
    public const int NotMirrored = 1101;
    public const int HoldersFound = 1102;
    public const int NoHolders = 1103;
    public const int LookupFailed = 1104;
    public const int PeerFailed = 1105;
    public const int DigestMismatch = 1106;
    public const int Served = 1107;
    public const int NotServed = 1108;
    public const int Resuming = 1109;
    public const int ChunkRelayed = 1110;
    public const int BodyAborted = 1111;
    public const int ReportCorruptFailed = 1112;
    public const int ClientGone = 1113;
    public const int PeerDeclined = 1114;
}
