namespace Spegel.Grains.Membership;

/// <summary>Maps a silo's membership status onto what the index does with the records that name it.</summary>
internal static class SiloLiveness
{
    /// <summary>Classifies <paramref name="silo"/> against the membership <paramref name="snapshot"/>.</summary>
    /// <remarks>
    /// <see cref="ClusterMembershipSnapshot.GetSiloStatus(SiloAddress)"/> reports a silo it has never seen as dead
    /// (Microsoft.Orleans.Runtime 10.4.2). A silo that joined a moment ago may advertise before this silo's view
    /// includes it, so an unknown silo is hidden instead; it is gone only when a newer generation on the same endpoint
    /// proves that the process restarted. Unknown silos that never show up are left to the TTL.
    /// </remarks>
    public static HolderLiveness Of(ClusterMembershipSnapshot snapshot, SiloAddress silo)
    {
        if (snapshot.Members.TryGetValue(silo, out var member))
        {
            return member.Status switch
            {
                SiloStatus.Active => HolderLiveness.Live,

                // Dead is final: a restarted process joins as a new silo (a new generation) and advertises again.
                SiloStatus.Dead => HolderLiveness.Gone,
                _ => HolderLiveness.Hidden,
            };
        }

        return snapshot.Members.Keys.Any(known => known.IsSuccessorOf(silo))
            ? HolderLiveness.Gone
            : HolderLiveness.Hidden;
    }
}
