namespace Spegel.Grains.Logging;

/// <summary>
/// Event ids of Spegel.Grains log events, kept in one table so that operators can search for them and ids are never
/// reused. The range 1100-1199 belongs to this assembly.
/// </summary>
internal static class GrainsEventIds
{
    public const int HolderAdvertised = 1101;
    public const int HolderWithdrawn = 1102;
    public const int HoldersDropped = 1103;
    public const int HolderRejected = 1104;
    public const int TagAdvertised = 1111;
    public const int TagWithdrawn = 1112;
    public const int TagMoved = 1113;
    public const int TagClaimsDropped = 1114;
    public const int BatchDone = 1121;
    public const int BatchIncomplete = 1122;
    public const int BatchItemFailed = 1123;
}
