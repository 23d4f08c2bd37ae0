using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Win32.SafeHandles;

namespace Spegel.Registry.Http;

/// <summary>
/// Copies content to a response body without ever holding more than one buffer of it. Returns a
/// <see cref="CopyOutcome"/>; only misuse throws.
/// </summary>
public static class ContentCopier
{
    // Large enough that a 1 GiB blob takes few read and flush calls (measured in bench/: 256 KiB beat 64 KiB by
    // about 15 % and 1 MiB gained nothing), small enough to come from the shared pool without pinning much memory.
    internal const int BufferSize = 256 * 1024;

    /// <summary>Sends <paramref name="count"/> bytes of a file from <paramref name="offset"/>.</summary>
    public static async Task<(CopyOutcome Outcome, long Copied)> CopyFileAsync(
        SafeFileHandle file, long offset, long count, PipeWriter destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(destination);
        long copied = 0;
        while (copied < count)
        {
            var memory = destination.GetMemory((int)Math.Min(BufferSize, count - copied));
            var want = (int)Math.Min(memory.Length, count - copied);
            int read;
            try
            {
                read = await RandomAccess.ReadAsync(file, memory[..want], offset + copied, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return (CopyOutcome.Canceled, copied);
            }
            catch (IOException)
            {
                return (CopyOutcome.SourceFailed, copied);
            }

            if (read == 0)
            {
                // The file is shorter than its recorded size: never pad, never end as if complete.
                return (CopyOutcome.SourceFailed, copied);
            }

            destination.Advance(read);
            copied += read;
            var outcome = await FlushAsync(destination, cancellationToken);
            if (outcome != CopyOutcome.Completed)
            {
                return (outcome, copied);
            }
        }

        return (CopyOutcome.Completed, copied);
    }

    /// <summary>
    /// Sends <paramref name="count"/> bytes from a stream. A zero-byte read comes first so that a connection waiting on
    /// a slow source holds no buffer.
    /// </summary>
    public static async Task<(CopyOutcome Outcome, long Copied)> CopyStreamAsync(
        Stream source, long count, PipeWriter destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long copied = 0;
        try
        {
            while (copied < count)
            {
                int read;
                try
                {
                    // A zero-byte read only waits for data; its result carries nothing.
#pragma warning disable CA2022 // Avoid inexact read: the zero-byte read is deliberate (see above).
                    await source.ReadAsync(Memory<byte>.Empty, cancellationToken);
#pragma warning restore CA2022
                    read = await source.ReadAsync(
                        buffer.AsMemory(0, (int)Math.Min(buffer.Length, count - copied)), cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return (CopyOutcome.Canceled, copied);
                }
                catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException)
                {
                    return (CopyOutcome.SourceFailed, copied);
                }

                if (read == 0)
                {
                    return (CopyOutcome.SourceFailed, copied);
                }

                var outcome = await WriteAsync(destination, buffer.AsMemory(0, read), cancellationToken);
                if (outcome != CopyOutcome.Completed)
                {
                    return (outcome, copied);
                }

                copied += read;
            }

            return (CopyOutcome.Completed, copied);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes one chunk and flushes it; maps a failing client onto an outcome.</summary>
    public static async ValueTask<CopyOutcome> WriteAsync(
        PipeWriter destination,
        ReadOnlyMemory<byte> chunk,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        try
        {
            var result = await destination.WriteAsync(chunk, cancellationToken);
            return result.IsCanceled || result.IsCompleted ? CopyOutcome.ClientFailed : CopyOutcome.Completed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return CopyOutcome.Canceled;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException)
        {
            return CopyOutcome.ClientFailed;
        }
    }

    private static async ValueTask<CopyOutcome> FlushAsync(PipeWriter destination, CancellationToken cancellationToken)
    {
        try
        {
            var result = await destination.FlushAsync(cancellationToken);
            return result.IsCanceled || result.IsCompleted ? CopyOutcome.ClientFailed : CopyOutcome.Completed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return CopyOutcome.Canceled;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException)
        {
            return CopyOutcome.ClientFailed;
        }
    }
}
