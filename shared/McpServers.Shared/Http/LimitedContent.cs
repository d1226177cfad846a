using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using McpServers.Shared.Errors;

namespace McpServers.Shared.Http;

/// <summary>
/// A response body that can only be read up to a byte cap and before a deadline. It wraps the handler's content, so
/// the bytes counted are the decompressed ones, and every way of reading it (a stream, a buffered
/// <c>SendAsync</c>, <c>ReadFromJsonAsync</c>) is bounded. Going over either limit throws a
/// <see cref="BackendException"/> with a safe message, so a hostile body ends as a clear error, not an out-of-memory.
/// </summary>
internal sealed class LimitedContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly long _limit;
    private readonly string _system;
    private readonly Action _onTooLarge;
    private readonly CancellationTokenSource _deadline;
    private long _read;

    public LimitedContent(HttpContent inner, long limit, TimeSpan timeLeft, string system, Action onTooLarge)
    {
        _inner = inner;
        _limit = limit;
        _system = system;
        _onTooLarge = onTooLarge;
        _deadline = new CancellationTokenSource(timeLeft > TimeSpan.Zero ? timeLeft : TimeSpan.Zero);
        foreach (KeyValuePair<string, HeaderStringValues> header in inner.Headers.NonValidated)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    public static BackendException TooLarge(string system, long limit) =>
        new(BackendErrorKind.TooExpensive,
            $"{system}'s response was larger than {Size(limit)}, the most this server reads; narrow the request (filters, a lower limit).",
            new HttpRequestException($"Response body over the cap of {limit} bytes."));

    private static string Size(long bytes) => bytes switch
    {
        >= 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB"),
        >= 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using Stream source = await CreateContentReadStreamAsync(cancellationToken);
        await source.CopyToAsync(stream, cancellationToken);
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new LimitedStream(await _inner.ReadAsStreamAsync(cancellationToken), this);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _deadline.Dispose();
        }

        base.Dispose(disposing);
    }

    private async ValueTask<int> ReadAsync(Stream source, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_read > _limit)
        {
            throw TooLarge(_system, _limit);
        }

        int n;
        using (CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _deadline.Token))
        {
            try
            {
                n = await source.ReadAsync(buffer, linked.Token);
            }
            catch (Exception e) when (_deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested
                && e is OperationCanceledException or IOException or HttpRequestException)
            {
                // The body did not arrive within the call's total time (a slow or endless body).
                throw new BackendException(BackendErrorKind.TimedOut, $"{_system} did not answer in time; try again later.", e);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested
                && e is IOException or InvalidDataException or HttpRequestException)
            {
                // The body is read after SendToBackendAsync returned (headers only), outside its mapping: a connection
                // reset mid-body, a body cut short or a broken gzip/brotli stream is the backend's failure, not a bug.
                throw new BackendException(BackendErrorKind.Unavailable, $"{_system} sent an incomplete or unreadable response; try again later.", e);
            }
        }

        _read += n;
        if (_read > _limit)
        {
            _onTooLarge();
            throw TooLarge(_system, _limit);
        }

        return n;
    }

    private sealed class LimitedStream(Stream inner, LimitedContent owner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            owner.ReadAsync(inner, buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        // Synchronous readers are rare (the suite reads asynchronously); they get the same limits.
        public override int Read(byte[] buffer, int offset, int count) =>
            ReadAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

        public override void Flush() { }

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
}
