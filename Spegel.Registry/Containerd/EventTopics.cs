using Google.Protobuf;
using Spegel.Registry.Containerd.Api.Events;

namespace Spegel.Registry.Containerd;

/// <summary>The containerd event topics the change feed subscribes to, and how their payloads are decoded.</summary>
internal static class EventTopics
{
    public const string ImageCreate = "/images/create";
    public const string ImageUpdate = "/images/update";
    public const string ImageDelete = "/images/delete";
    public const string ContentDelete = "/content/delete";

    public static IReadOnlyList<string> All { get; } = [ImageCreate, ImageUpdate, ImageDelete, ContentDelete];

    /// <summary>
    /// Decodes an envelope by its topic. The payload's type URL is not consulted: containerd 1.6 declares the image
    /// events in a different protobuf package than later versions, while the topic and the field layout are stable.
    /// Returns <see langword="null"/> for other topics and for payloads that do not parse.
    /// </summary>
    public static ContainerdEvent? Decode(Envelope envelope)
    {
        if (envelope.Event is not { } payload)
        {
            return null;
        }

        try
        {
            return envelope.Topic switch
            {
                ImageCreate => new ContainerdEvent(
                    ContainerdEventKind.ImageCreated, Api.Events.ImageCreate.Parser.ParseFrom(payload.Value).Name),
                ImageUpdate => new ContainerdEvent(
                    ContainerdEventKind.ImageUpdated, Api.Events.ImageUpdate.Parser.ParseFrom(payload.Value).Name),
                ImageDelete => new ContainerdEvent(
                    ContainerdEventKind.ImageDeleted, Api.Events.ImageDelete.Parser.ParseFrom(payload.Value).Name),
                ContentDelete => new ContainerdEvent(
                    ContainerdEventKind.ContentDeleted,
                    Api.Events.ContentDelete.Parser.ParseFrom(payload.Value).Digest),
                _ => null,
            };
        }
        catch (InvalidProtocolBufferException)
        {
            // A payload we cannot read is skipped; the periodic resynchronisation repairs what it would have said.
            return null;
        }
    }
}
