using Spegel.Registry.Content;

namespace Spegel.TestSupport.Stores;

/// <summary>Reads what a <see cref="ContentSource"/> offers, from its offset to the end.</summary>
public static class ContentSourceReader
{
    /// <summary>Every byte from the source's offset to the end of the content, from its file or its stream.</summary>
    public static async Task<byte[]> ReadToEndAsync(ContentSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var buffer = new MemoryStream();
        if (source.FilePath is { } path)
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            file.Seek(source.Offset, SeekOrigin.Begin);
            await file.CopyToAsync(buffer, cancellationToken);
        }
        else
        {
            await source.Stream!.CopyToAsync(buffer, cancellationToken);
        }

        return buffer.ToArray();
    }
}
