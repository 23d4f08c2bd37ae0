namespace Spegel.Registry.Http;

/// <summary>
/// Stable event ids of this assembly's log events, for operators who search logs by id: the endpoint 1001–1099,
/// the peer mirror 1101–1199 (in <c>MirrorEventIds</c>), the OCI layout store 1201–1299, containerd 3000–3099 (in
/// <c>ContainerdEventIds</c>).
/// </summary>
internal static class RegistryEventIds
{
    public const int RequestRejected = 1001;
    public const int ServingLocal = 1002;
    public const int NotFound = 1003;
    public const int CopyIncomplete = 1004;
    public const int RequestAborted = 1005;
    public const int RequestFailed = 1006;
    public const int OciIndexLoaded = 1201;
    public const int OciIndexMissing = 1202;
    public const int OciIndexUnreadable = 1203;
    public const int OciManifestUnreadable = 1204;
}
