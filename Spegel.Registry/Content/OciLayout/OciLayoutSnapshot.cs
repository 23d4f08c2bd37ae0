using Spegel.Registry.Distribution;

namespace Spegel.Registry.Content.OciLayout;

/// <summary>What one reading of a layout's <c>index.json</c> yielded.</summary>
/// <param name="IndexStamp">
/// The index file's write time and length when it was read; a change means a new reading.
/// </param>
/// <param name="Tags">Image names and the descriptors they point at.</param>
/// <param name="MediaTypes">Media types of every digest a descriptor points at.</param>
/// <param name="Images">The images, with the content under each that was present at reading time.</param>
internal sealed record OciLayoutSnapshot(
    (DateTime WriteTime, long Length) IndexStamp,
    IReadOnlyDictionary<ImageName, ContentDescriptor> Tags,
    IReadOnlyDictionary<Digest, string> MediaTypes,
    IReadOnlyList<ImageRecord> Images)
{
    public static OciLayoutSnapshot Empty { get; } = new(
        (DateTime.MinValue, -1), new Dictionary<ImageName, ContentDescriptor>(),
        new Dictionary<Digest, string>(), []);
}
