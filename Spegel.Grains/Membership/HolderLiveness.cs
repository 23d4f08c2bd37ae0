namespace Spegel.Grains.Membership;

/// <summary>What cluster membership says about the silo behind a record.</summary>
internal enum HolderLiveness
{
    /// <summary>The silo is active: the record may be returned.</summary>
    Live,

    /// <summary>
    /// The silo is not active yet or any more, or this silo has not heard of it: the record is hidden but kept,
    /// because a silo that joined a moment ago may advertise before this silo's membership view includes it.
    /// </summary>
    Hidden,

    /// <summary>Membership declared the silo dead: the record is dropped.</summary>
    Gone,
}
