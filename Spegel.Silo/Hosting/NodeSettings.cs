using System.Net;
using Spegel.Silo.Cli;

namespace Spegel.Silo.Hosting;

/// <summary>Everything <c>spegel run</c> was told, validated and typed.</summary>
internal sealed record NodeSettings
{
    public required IPEndPoint RegistryEndPoint { get; init; }

    public required IPEndPoint OpsEndPoint { get; init; }

    public required StoreSelection Store { get; init; }

    public required string DefaultRegistry { get; init; }

    public required string NodeName { get; init; }

    public required string ContainerdSocket { get; init; }

    public required string ContainerdNamespace { get; init; }

    public required string ContainerdContentPath { get; init; }

    public required ClusteringKind Clustering { get; init; }

    public string? Redis { get; init; }

    public required string ClusterId { get; init; }

    public required string ServiceId { get; init; }

    public IPAddress? AdvertiseAddress { get; init; }

    public required int SiloPort { get; init; }

    public required int GatewayPort { get; init; }

    public required TimeSpan HolderTtl { get; init; }

    public required TimeSpan ResyncInterval { get; init; }

    public required bool ResolveTags { get; init; }

    public required IReadOnlyList<string> MirroredRegistries { get; init; }

    public required IReadOnlyList<string> RegistryFilters { get; init; }

    public required TimeSpan PeerTimeout { get; init; }

    public required int MirrorResolveRetries { get; init; }

    public required TimeSpan MirrorBudget { get; init; }

    public required LogLevel LogLevel { get; init; }

    public required LogFormat LogFormat { get; init; }
}
