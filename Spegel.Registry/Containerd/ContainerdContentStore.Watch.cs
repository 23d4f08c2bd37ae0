using System.Runtime.CompilerServices;
using Spegel.Registry.Content;
using Spegel.Registry.Distribution;

namespace Spegel.Registry.Containerd;

internal sealed partial class ContainerdContentStore
{
    /// <inheritdoc/>
    /// <remarks>
    /// Follows <c>/images/create</c>, <c>/images/update</c>, <c>/images/delete</c> and <c>/content/delete</c> in the
    /// namespace. A created or updated image is walked and reported with everything present under it. A deleted
    /// image is reported with its tag and the content under it (as last walked) that no remaining image references:
    /// containerd publishes the delete before its garbage collector runs and publishes nothing when the collector
    /// removes blobs, so this is the only notice of that content leaving. When the subscription breaks (containerd
    /// restarted), it resubscribes with exponential backoff and then yields <see cref="StoreChange.Reset"/>.
    /// Ends without an exception when <paramref name="cancellationToken"/> fires.
    /// </remarks>
    public async IAsyncEnumerable<StoreChange> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var delay = _options.ReconnectMinDelay;
        var mustReset = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            var events = _client.SubscribeAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                // The subscription is only known to be live once containerd answers; only then can a fresh inventory
                // taken by the consumer be trusted to see everything that the feed will not report.
                if (mustReset && await IsReachableAsync(cancellationToken))
                {
                    mustReset = false;
                    delay = _options.ReconnectMinDelay;
                    LogInformationWatchResumed(_logger, _client.SocketPath);
                    yield return StoreChange.Reset;
                }

                while (!mustReset && await NextEventAsync(events, cancellationToken) is { } next)
                {
                    delay = _options.ReconnectMinDelay;
                    await foreach (var change in ToChangesAsync(next, cancellationToken))
                    {
                        yield return change;
                    }
                }
            }
            finally
            {
                await events.DisposeAsync();
            }

            if (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }

            // One warning per outage; the attempts during it are traced.
            if (mustReset)
            {
                LogTraceResubscribeFailed(_logger, _client.SocketPath, delay);
            }
            else
            {
                LogWarningWatchBroken(_logger, _client.SocketPath, delay);
            }

            mustReset = true;
            if (!await DelayAsync(delay, cancellationToken))
            {
                yield break;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ReconnectMaxDelay.Ticks));
        }
    }

    /// <summary>The next event, or <see langword="null"/> when the subscription broke or was cancelled.</summary>
    private static async ValueTask<ContainerdEvent?> NextEventAsync(
        IAsyncEnumerator<ContainerdEvent> events,
        CancellationToken cancellationToken)
    {
        try
        {
            return await events.MoveNextAsync() ? events.Current : null;
        }
        catch (ContainerdUnavailableException)
        {
            // The caller logs the break and resubscribes.
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private async ValueTask<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.GetVersionAsync(cancellationToken);
            return true;
        }
        catch (ContainerdUnavailableException)
        {
            return false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async ValueTask<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _timeProvider, cancellationToken);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// What one event means for the consumer; a lookup that fails is skipped (a later resync repairs it).
    /// </summary>
    private async IAsyncEnumerable<StoreChange> ToChangesAsync(
        ContainerdEvent containerdEvent,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StoreChange? added = null;
        StoreChange? removed = null;
        try
        {
            switch (containerdEvent.Kind)
            {
                case ContainerdEventKind.ImageCreated or ContainerdEventKind.ImageUpdated:
                    _imageContents.TryGetValue(containerdEvent.Subject, out var before);
                    added = await ImageAddedAsync(containerdEvent.Subject, cancellationToken);
                    removed = await ContentReleasedAsync(
                        containerdEvent.Subject, before, tagRemoved: false, cancellationToken);
                    break;
                case ContainerdEventKind.ImageDeleted:
                    _imageContents.TryRemove(containerdEvent.Subject, out var deleted);
                    removed = await ContentReleasedAsync(
                        containerdEvent.Subject, deleted, tagRemoved: true, cancellationToken);
                    break;
                case ContainerdEventKind.ContentDeleted:
                    removed = ContentDeleted(containerdEvent.Subject);
                    break;
            }
        }
        catch (ContainerdUnavailableException)
        {
            // Logged by the client. The subscription will break too if containerd is gone, which ends in a Reset.
        }

        if (added is not null)
        {
            yield return added;
        }

        if (removed is not null)
        {
            yield return removed;
        }
    }

    private async ValueTask<StoreChange?> ImageAddedAsync(string imageName, CancellationToken cancellationToken)
    {
        var image = await _client.GetImageAsync(imageName, cancellationToken);
        if (image is null || await WalkAsync(image, GetSizeFromContainerdAsync, cancellationToken) is not { } record)
        {
            return null;
        }

        return new StoreChange(StoreChangeKind.Added, record.Name is null ? [] : [record.Name], record.Contents);
    }

    /// <summary>
    /// The content of an image's previous walk that no image references any more (for an update: not even the
    /// image's new target), plus its tag when the name itself was removed. Null when there is nothing to report.
    /// </summary>
    private async ValueTask<StoreChange?> ContentReleasedAsync(
        string imageName,
        IReadOnlyList<ContentDescriptor>? before,
        bool tagRemoved,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<ContentDescriptor> released = before is null
            ? []
            : await ExceptReferencedAsync(before, cancellationToken);
        IReadOnlyList<ImageName> tags = tagRemoved && ImageName.TryParse(imageName, out var name) ? [name] : [];
        return released.Count == 0 && tags.Count == 0 ? null : new StoreChange(StoreChangeKind.Removed, tags, released);
    }

    /// <summary>
    /// Leaves out every descriptor that some current image still references (walking images not walked yet).
    /// </summary>
    private async ValueTask<IReadOnlyList<ContentDescriptor>> ExceptReferencedAsync(
        IReadOnlyList<ContentDescriptor> candidates,
        CancellationToken cancellationToken)
    {
        var referenced = new HashSet<Digest>();
        foreach (var image in await _client.ListImagesAsync(cancellationToken))
        {
            if (!_imageContents.TryGetValue(image.Name, out var contents)
                && await WalkAsync(image, GetSizeFromContainerdAsync, cancellationToken) is { } record)
            {
                contents = record.Contents;
            }

            referenced.UnionWith(contents?.Select(c => c.Digest) ?? []);
        }

        return [.. candidates.Where(c => !referenced.Contains(c.Digest))];
    }

    /// <summary>A blob removed through the content service; its size is 0 when it was never seen in a walk.</summary>
    private StoreChange? ContentDeleted(string digestText)
    {
        if (!Digest.TryParse(digestText, out var digest))
        {
            return null;
        }

        var descriptor = _known.TryRemove(digest, out var known) ? known : new ContentDescriptor(digest, 0, null);
        return new StoreChange(StoreChangeKind.Removed, [], [descriptor]);
    }
}
