namespace McpServers.Documents.Extraction;

/// <summary>
/// The file's bytes, read once from the source's stream: the first bytes are peeked (for the magic-byte check) and
/// then replayed, and every byte read from the source is counted, so a stream longer than <c>MaxFileBytes</c> is
/// refused as soon as it passes the cap, whether or not its length was known in advance.
/// </summary>
internal sealed class CappedInput(Stream inner, long maxBytes) : Stream
{
    private byte[] _head = [];
    private int _headPosition;
    private long _fromInner;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public static ExtractionException TooLarge(long maxBytes) =>
        new($"The file is larger than the {maxBytes} bytes allowed (Documents:MaxFileBytes): it was not read.");

    /// <summary>Reads up to <paramref name="count"/> bytes to look at; they are read again by the next reads.</summary>
    public async Task<ReadOnlyMemory<byte>> PeekAsync(int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        int filled = 0;
        int read;
        while (filled < count && (read = await ReadInnerAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
        {
            filled += read;
        }

        _head = buffer[..filled];
        _headPosition = 0;
        return _head;
    }

    /// <summary>The whole file in memory, for the formats that need random access (PDF, zip).</summary>
    public async Task<MemoryStream> ToMemoryAsync(CancellationToken cancellationToken)
    {
        var memory = new MemoryStream();
        await CopyToAsync(memory, cancellationToken).ConfigureAwait(false);
        memory.Position = 0;
        return memory;
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_headPosition < _head.Length)
        {
            int n = Math.Min(buffer.Length, _head.Length - _headPosition);
            _head.AsMemory(_headPosition, n).CopyTo(buffer);
            _headPosition += n;
            return n;
        }

        return await ReadInnerAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private async ValueTask<int> ReadInnerAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _fromInner += read;
        return _fromInner > maxBytes ? throw TooLarge(maxBytes) : read;
    }
}
