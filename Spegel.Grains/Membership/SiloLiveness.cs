namespace Spegel.Grains.Membership;

/// <summary>Maps a silo's membership status onto what the index does with the records that name it.</summary>
internal static class SiloLiveness
{
    /// <summary>Classifies <paramref name="silo"/> against the membership <paramref name="snapshot"/>.</summary>
    public static HolderLiveness Of(ClusterMembershipSnapshot snapshot, SiloAddress silo) =>
        snapshot.GetSiloStatus(silo) switch
        {
            SiloStatus.Active => HolderLiveness.Live,

            // Dead is final: a restarted process joins as a new silo (new generation) and advertises again.
            SiloStatus.Dead => HolderLiveness.Gone,
            _ => HolderLiveness.Hidden,
        };
}
