using Spegel.Grains.Holders;
using Spegel.Grains.Membership;
using Spegel.Grains.Tags;
using Spegel.Registry.Distribution;
using Spegel.Silo.Cluster;

namespace Spegel.Silo.Operations;

/// <summary>
/// JSON lookups on the operations listener, for operators and tests: the cluster's silos, the holders of a digest,
/// what a tag names. They read the same grains the registry endpoint reads.
/// </summary>
internal static class LookupEndpoints
{
    public static IEndpointRouteBuilder MapLookupEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/debug/cluster", async (ClusterState cluster) =>
        {
            if (cluster.Current is not { } connection)
            {
                return Results.Json(new { joined = false, status = cluster.Status, silos = Array.Empty<object>() },
                    statusCode: 503);
            }

            var silos = await connection.GrainFactory.GetGrain<IClusterViewGrain>(IClusterViewGrain.Key)
                .ListSilosAsync();
            return Results.Json(new
            {
                joined = true,
                status = cluster.Status,
                silos = silos.Select(
                    silo => new { address = silo.Silo.ToString(), name = silo.Name, status = silo.Status.ToString() }),
            });
        });

        endpoints.MapGet("/debug/holders/{digest}", async (string digest, ClusterState cluster) =>
        {
            if (!Digest.TryParse(digest, out var parsed))
            {
                return Results.Json(new { error = "not a supported digest" }, statusCode: 400);
            }

            if (cluster.Current is not { } connection)
            {
                return Results.Json(new { error = cluster.Status }, statusCode: 503);
            }

            var records = await connection.GrainFactory.GetGrain<IDigestGrain>(parsed.Value).ListAsync();
            return Results.Json(new
            {
                digest = parsed.Value,
                holders = records.Select(record => new
                {
                    node = record.Holder.Node,
                    endpoint = record.Holder.Endpoint,
                    silo = record.Holder.Silo.ToString(),
                    refreshedAt = record.RefreshedAt,
                }),
            });
        });

        endpoints.MapGet("/debug/tags/{**name}", async (string name, ClusterState cluster) =>
        {
            if (!ImageName.TryParse(name, out var parsed))
            {
                return Results.Json(new { error = "expected registry/repository:tag" }, statusCode: 400);
            }

            if (cluster.Current is not { } connection)
            {
                return Results.Json(new { error = cluster.Status }, statusCode: 503);
            }

            var resolution = await connection.GrainFactory.GetGrain<ITagGrain>(parsed.ToString()).ResolveAsync();
            return resolution is null
                ? Results.Json(new { name = parsed.ToString(), target = (object?)null }, statusCode: 404)
                : Results.Json(new
                {
                    name = parsed.ToString(),
                    target = new { digest = resolution.Target.Digest, mediaType = resolution.Target.MediaType,
                        size = resolution.Target.Size },
                    advertisedAt = resolution.AdvertisedAt,
                    holders = resolution.Holders.Select(holder => holder.Node),
                });
        });
        return endpoints;
    }
}
