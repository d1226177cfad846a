using System.Globalization;
using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace McpServers.Testing.Http;

/// <summary>
/// Hostile backend behaviour, for proving that a client treats responses as untrusted: redirects (to another port,
/// to <c>ftp:</c>/<c>file:</c>, on the same origin), cookies, huge and endless bodies, and gzip bombs. Each is a
/// <see cref="RequestDelegate"/> to map on <see cref="Routes"/> (or on every path with <see cref="MapEverywhere"/>);
/// <see cref="BodyBytesSent"/> counts the body bytes they managed to hand to the client.
/// </summary>
public sealed partial class LoopbackHttpServer
{
    private const int Chunk = 64 * 1024;
    private long _bodyBytesSent;

    /// <summary>
    /// Body bytes the hostile handlers wrote before the client hung up (for a gzip bomb: the inflated size of the
    /// members written), so a test can prove the client stopped early instead of taking it all. Socket buffers on
    /// loopback can hold tens of megabytes, so compare with a body far larger than that.
    /// </summary>
    public long BodyBytesSent => Interlocked.Read(ref _bodyBytesSent);

    /// <summary>Answers every method on every path with <paramref name="handler"/>.</summary>
    public void MapEverywhere(RequestDelegate handler) => _app.Map("/{**path}", handler);

    /// <summary>Answers every method on every path with a minimal-API <paramref name="handler"/>, e.g. <c>() =&gt; Results.Ok()</c>.</summary>
    public void MapEverywhere(Delegate handler) => _app.Map("/{**path}", handler);

    /// <summary>A redirect with the given status (301, 302, 303, 307, 308…) and <c>Location</c>, optionally setting a cookie.</summary>
    public static RequestDelegate Redirect(int status, string location, string? setCookie = null) => context =>
    {
        context.Response.StatusCode = status;
        context.Response.Headers.Location = location;
        if (setCookie is not null)
        {
            context.Response.Headers.SetCookie = setCookie;
        }

        return Task.CompletedTask;
    };

    /// <summary>A JSON body that sets a cookie, the way a session-minded backend would.</summary>
    public static RequestDelegate SetCookie(string cookie, string json = "{}") => context =>
    {
        context.Response.Headers.SetCookie = cookie;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json, context.RequestAborted);
    };

    /// <summary>
    /// A JSON-looking body of <paramref name="bytes"/> bytes (a string that never closes), written in chunks without a
    /// Content-Length, so a client cannot refuse it up front and must count.
    /// </summary>
    public RequestDelegate HugeBody(long bytes) => async context =>
    {
        context.Response.ContentType = "application/json";
        await WriteFillerAsync(context.Response.Body, bytes, context.RequestAborted);
    };

    /// <summary>
    /// One byte of a JSON body, and then nothing: the connection stays open until the client gives up. The only
    /// possible outcome for the client is its own time limit.
    /// </summary>
    public RequestDelegate EndlessBody() => async context =>
    {
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync("["u8.ToArray(), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        Interlocked.Increment(ref _bodyBytesSent);
        await Task.Delay(Timeout.Infinite, context.RequestAborted);
    };

    /// <summary>
    /// A gzip-encoded body that inflates to <paramref name="decompressedBytes"/> bytes (about 1000:1), sent as
    /// concatenated gzip members of 1 MiB each (RFC 1952 §2.2), so even gigabytes cost the fake almost nothing: the
    /// client's decompressed-size cap is what must stop it.
    /// </summary>
    public RequestDelegate GzipBomb(long decompressedBytes) => async context =>
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.ContentEncoding = "gzip";
        for (long left = decompressedBytes; left > 0 && !context.RequestAborted.IsCancellationRequested; left -= GzipMember.Inflated)
        {
            await Task.Yield();
            byte[] member = left == decompressedBytes ? GzipMember.First : GzipMember.Next;
            await context.Response.Body.WriteAsync(member, context.RequestAborted);
            Interlocked.Add(ref _bodyBytesSent, GzipMember.Inflated);
        }
    };

    /// <summary>Where another loopback server's path is, e.g. for a redirect to a second host.</summary>
    public static string LocationOn(LoopbackHttpServer other, string path)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new Uri(other.BaseAddress, path).ToString();
    }

    /// <summary>A Location on this server's host with another scheme (e.g. <c>ftp</c> without a port).</summary>
    public string LocationWithScheme(string scheme, string path) =>
        string.Create(CultureInfo.InvariantCulture, $"{scheme}://{BaseAddress.Host}/{path.TrimStart('/')}");

    private async Task WriteFillerAsync(Stream body, long bytes, CancellationToken cancellationToken)
    {
        byte[] filler = new byte[Chunk];
        filler.AsSpan().Fill((byte)'a');
        filler[0] = (byte)'"';
        long left = bytes;
        // Kestrel turns writes after the client hung up into no-ops, so stop (and stop counting) once it has; the yield
        // lets the connection's abort be signalled between chunks.
        while (left > 0 && !cancellationToken.IsCancellationRequested)
        {
            await Task.Yield();
            int n = (int)Math.Min(left, filler.Length);
            await body.WriteAsync(filler.AsMemory(0, n), cancellationToken);
            Interlocked.Add(ref _bodyBytesSent, n);
            left -= n;
            filler[0] = (byte)'a';
        }
    }

    /// <summary>
    /// Gzip members holding 1 MiB of filler each, made once: the first opens a JSON string that the others continue,
    /// so a JSON reader keeps reading instead of failing on the first byte.
    /// </summary>
    private static class GzipMember
    {
        public const int Inflated = 1024 * 1024;

        public static readonly byte[] First = Make(opening: true);

        public static readonly byte[] Next = Make(opening: false);

        private static byte[] Make(bool opening)
        {
            byte[] filler = new byte[Inflated];
            filler.AsSpan().Fill((byte)'a');
            if (opening)
            {
                filler[0] = (byte)'"';
            }

            using var output = new MemoryStream();
            using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
            {
                gzip.Write(filler);
            }

            return output.ToArray();
        }
    }
}
