namespace MeshClaw.Testing;

/// <summary>A response body that passes on only its first bytes and drops the rest, to serve a reply cut off mid-way.</summary>
internal sealed class CutStream(Stream inner, int limit) : Stream
{
    private int _written;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer[..Take(buffer.Length)]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = Take(buffer.Length);
        return n > 0 ? inner.WriteAsync(buffer[..n], cancellationToken) : ValueTask.CompletedTask;
    }

    private int Take(int count)
    {
        var n = Math.Clamp(limit - _written, 0, count);
        _written += n;
        return n;
    }
}
