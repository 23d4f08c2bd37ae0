namespace Spegel.Registry.Http;

/// <summary>Stable event ids of this assembly's log events, for operators who search logs by id.</summary>
internal static class RegistryEventIds
{
    public const int RequestRejected = 1001;
    public const int ServingLocal = 1002;
    public const int NotFound = 1003;
    public const int CopyIncomplete = 1004;
    public const int RequestAborted = 1005;
    public const int RequestFailed = 1006;
}
