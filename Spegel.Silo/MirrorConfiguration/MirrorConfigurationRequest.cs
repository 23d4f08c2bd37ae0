namespace Spegel.Silo.MirrorConfiguration;

/// <summary>
/// What <c>spegel configure</c> asks for: point containerd's registry hosts at the local mirror.
/// </summary>
/// <param name="ConfigPath">
/// containerd's registry <c>config_path</c> (often <c>/etc/containerd/certs.d</c>); one folder per registry lives under
/// it.
/// </param>
/// <param name="MirrorTargets">
/// Absolute <c>http</c> or <c>https</c> URLs of the mirror endpoints, in the order containerd should try them.
/// </param>
/// <param name="MirroredRegistries">
/// Registry hosts to mirror, e.g. <c>docker.io</c> or <c>127.0.0.1:5001</c>; <c>_default</c> stands for every registry
/// without its own folder. Empty means <c>_default</c> only.
/// </param>
/// <param name="ResolveTags">
/// Whether containerd may resolve tags through the mirror (the <c>resolve</c> capability).
/// </param>
/// <param name="PrependExisting">
/// Whether to keep the existing configuration behind ours: its <c>server</c>, its other top-level settings and its
/// hosts, which then follow the mirror targets.
/// </param>
internal sealed record MirrorConfigurationRequest(
    string ConfigPath,
    IReadOnlyList<string> MirrorTargets,
    IReadOnlyList<string> MirroredRegistries,
    bool ResolveTags = true,
    bool PrependExisting = false);
