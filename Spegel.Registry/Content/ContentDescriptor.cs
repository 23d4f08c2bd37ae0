using Spegel.Registry.Distribution;

namespace Spegel.Registry.Content;

/// <summary>What a store knows about one piece of content.</summary>
/// <param name="Digest">The content address.</param>
/// <param name="Size">The exact size in bytes.</param>
/// <param name="MediaType">
/// The media type from the descriptor that references the content, or <see langword="null"/> when no descriptor
/// the store knows points at it (for example an orphan blob).
/// </param>
public sealed record ContentDescriptor(Digest Digest, long Size, string? MediaType);
