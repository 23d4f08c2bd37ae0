namespace Spegel.Registry.Content;

/// <summary>
/// Opened content, positioned at the offset that was asked for. Either a file (which the endpoint sends with the
/// least copying it can) or a stream. The owner disposes it.
/// </summary>
public sealed class ContentSource : IAsyncDisposable
{
    private ContentSource(ContentDescriptor descriptor, long offset, string? filePath, Stream? stream)
    {
        Descriptor = descriptor;
        Offset = offset;
        FilePath = filePath;
        Stream = stream;
    }

    /// <summary>What was opened; <see cref="ContentDescriptor.Size"/> is the whole content's size.</summary>
    public ContentDescriptor Descriptor { get; }

    /// <summary>The offset the source starts at.</summary>
    public long Offset { get; }

    /// <summary>The content file, when the store has one; read it from <see cref="Offset"/>.</summary>
    public string? FilePath { get; }

    /// <summary>A stream already positioned at <see cref="Offset"/>, when the store has no file.</summary>
    public Stream? Stream { get; }

    /// <summary>A source backed by a file on local disk.</summary>
    public static ContentSource FromFile(ContentDescriptor descriptor, long offset, string filePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        return new ContentSource(descriptor, offset, filePath, null);
    }

    /// <summary>
    /// A source backed by a stream that starts at <paramref name="offset"/>; ownership passes to the source.
    /// </summary>
    public static ContentSource FromStream(ContentDescriptor descriptor, long offset, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        return new ContentSource(descriptor, offset, null, stream);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Stream?.DisposeAsync() ?? ValueTask.CompletedTask;
}
