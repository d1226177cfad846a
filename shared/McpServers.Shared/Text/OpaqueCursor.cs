using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using McpServers.Shared.Errors;

namespace McpServers.Shared.Text;

/// <summary>
/// Paging cursors handed to the model. They are opaque and signed with a key that lives only in this process (or, for
/// HTTP replicas, in their shared Redis), so the model can pass one back but cannot forge or edit one (a forged offset
/// or filter never reaches a backend).
/// A cursor is bound to a <c>scope</c> (e.g. the tool name plus a hash of the query) and is rejected elsewhere.
/// </summary>
public static class OpaqueCursor
{
    private const int TagBytes = 12;
    private static byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>
    /// HTTP replicas sharing Redis sign with one key kept there, so a cursor from replica A is accepted by replica B.
    /// Set once, before serving.
    /// </summary>
    internal static void UseSharedKey(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = key.Length >= 32 ? key : throw new ArgumentException("A cursor key needs at least 32 bytes.", nameof(key));
    }

    /// <summary>Encodes <paramref name="payload"/> for <paramref name="scope"/>.</summary>
    public static string Encode(string scope, string payload)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(payload);
        byte[] body = Encoding.UTF8.GetBytes(payload);
        byte[] tag = Sign(scope, body);
        return Base64Url.EncodeToString(body) + "." + Base64Url.EncodeToString(tag);
    }

    /// <summary>Decodes a cursor made by <see cref="Encode"/> for the same scope, or throws <see cref="ToolInputException"/>.</summary>
    public static string Decode(string scope, string cursor, string parameterName = "cursor")
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (TryDecode(scope, cursor, out string? payload))
        {
            return payload;
        }

        throw new ToolInputException(
            $"`{parameterName}` is not a cursor this server issued for this request (it may come from a different query or an earlier server run). Repeat the call without `{parameterName}` to start from the first page.");
    }

    public static bool TryDecode(string scope, string? cursor, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? payload)
    {
        payload = null;
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 4096)
        {
            return false;
        }

        int dot = cursor.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == cursor.Length - 1)
        {
            return false;
        }

        try
        {
            byte[] body = Base64Url.DecodeFromChars(cursor.AsSpan(0, dot));
            byte[] tag = Base64Url.DecodeFromChars(cursor.AsSpan(dot + 1));
            if (!CryptographicOperations.FixedTimeEquals(tag, Sign(scope, body)))
            {
                return false;
            }

            payload = Encoding.UTF8.GetString(body);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static byte[] Sign(string scope, byte[] body)
    {
        byte[] scopeBytes = Encoding.UTF8.GetBytes(scope);
        byte[] message = new byte[scopeBytes.Length + 1 + body.Length];
        scopeBytes.CopyTo(message, 0);
        body.CopyTo(message, scopeBytes.Length + 1);
        return HMACSHA256.HashData(_key, message)[..TagBytes];
    }
}
