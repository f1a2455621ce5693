using System.Globalization;
using System.Text;

namespace MeshClaw.Models.Providers;

/// <summary>
/// A model's server-sent event stream, read through: a connection that drops mid-stream, or a stream that ends without
/// the protocol's closing event (OpenAI's <c>[DONE]</c>, Anthropic's <c>message_stop</c>), fails with a
/// <see cref="ModelReplyFault.Truncated"/> <see cref="ModelReplyException"/> instead of ending the answer silently short.
/// </summary>
internal sealed class CheckedEventStream(Stream inner, string model, string where, byte[] endMarker) : Stream
{
    private readonly byte[] _tail = new byte[endMarker.Length];
    private int _tailLength;
    private long _read;
    private bool _ended;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n;
        try
        {
            n = inner.Read(buffer);
        }
        catch (IOException ex)
        {
            throw Cut(ex);
        }

        return Seen(buffer[..n], buffer.Length);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n;
        try
        {
            n = await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw Cut(ex);
        }

        return Seen(buffer.Span[..n], buffer.Length);
    }

    private int Seen(ReadOnlySpan<byte> chunk, int asked)
    {
        if (chunk.IsEmpty)
        {
            if (asked > 0 && !_ended)
            {
                throw new ModelReplyException(model, ModelReplyFault.Truncated,
                    $"model '{model}' at {where} sent a truncated reply: its stream ended after {_read.ToString(CultureInfo.InvariantCulture)} bytes without the closing '{Encoding.ASCII.GetString(endMarker)}' event");
            }

            return 0;
        }

        _read += chunk.Length;
        if (!_ended)
        {
            // The marker may straddle two reads: look across the end of the last read and the start of this one.
            Span<byte> seam = stackalloc byte[_tailLength + Math.Min(chunk.Length, endMarker.Length - 1)];
            _tail.AsSpan(0, _tailLength).CopyTo(seam);
            chunk[..(seam.Length - _tailLength)].CopyTo(seam[_tailLength..]);
            _ended = seam.IndexOf(endMarker) >= 0 || chunk.IndexOf(endMarker) >= 0;
            var keep = Math.Min(endMarker.Length - 1, chunk.Length);
            if (keep < endMarker.Length - 1)
            {
                // A short read: keep the last bytes of the seam, which ends with this chunk.
                keep = Math.Min(endMarker.Length - 1, seam.Length);
                seam[^keep..].CopyTo(_tail);
            }
            else
            {
                chunk[^keep..].CopyTo(_tail);
            }

            _tailLength = keep;
        }

        return chunk.Length;
    }

    private ModelReplyException Cut(Exception ex) => new(model, ModelReplyFault.Truncated,
        $"model '{model}' at {where} sent a truncated reply: the connection closed after {_read.ToString(CultureInfo.InvariantCulture)} bytes of its stream ({ex.Message})", ex);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
