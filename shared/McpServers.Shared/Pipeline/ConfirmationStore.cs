using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace McpServers.Shared.Pipeline;

/// <summary>
/// Single-use, expiring confirmation tokens, each bound to a tool and a SHA-256 of its exact arguments: a token
/// issued for "create issue X" cannot confirm "create issue Y", nor be used twice, nor after it expires. With
/// <see cref="ISharedState"/> (HTTP replicas sharing Redis) the tokens live there, so a token issued by one replica is
/// redeemed on another, once.
/// </summary>
public sealed class ConfirmationStore(IOptions<ConfirmationOptions> options, TimeProvider time, ISharedState? shared = null)
{
    private readonly ConcurrentDictionary<string, (string Tool, byte[] Hash, DateTimeOffset Expires)> _pending = new(StringComparer.Ordinal);
    private readonly TimeSpan _lifetime = options.Value.TokenLifetime;

    public TimeSpan Lifetime => _lifetime;

    public async Task<string> IssueAsync(string tool, IReadOnlyDictionary<string, JsonElement> arguments)
    {
        string token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
        if (shared is not null)
        {
            await shared.SetAsync(SharedKey(token), tool + "\n" + Convert.ToHexString(Hash(tool, arguments)), _lifetime);
            return token;
        }

        PurgeExpired();
        _pending[token] = (tool, Hash(tool, arguments), time.GetUtcNow() + _lifetime);
        return token;
    }

    /// <summary>Consumes the token: true only for a live token issued for this tool and these exact arguments.</summary>
    public async Task<bool> TryRedeemAsync(string token, string tool, IReadOnlyDictionary<string, JsonElement> arguments)
    {
        if (shared is not null)
        {
            // Taken (read and deleted at once) before checking: spent even by a failed attempt, and only one replica gets it.
            if (token.Length > 64 || await shared.TakeAsync(SharedKey(token)) is not { } stored || stored.Split('\n') is not [var storedTool, var hex])
            {
                return false;
            }

            return storedTool == tool && CryptographicOperations.FixedTimeEquals(Convert.FromHexString(hex), Hash(tool, arguments));
        }

        // Removed before checking, so a token is spent even by a failed attempt with other arguments.
        if (!_pending.TryRemove(token, out var entry))
        {
            return false;
        }

        return entry.Expires > time.GetUtcNow() && entry.Tool == tool
            && CryptographicOperations.FixedTimeEquals(entry.Hash, Hash(tool, arguments));
    }

    private static string SharedKey(string token) => "confirm:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private void PurgeExpired()
    {
        DateTimeOffset now = time.GetUtcNow();
        foreach (var (token, entry) in _pending)
        {
            if (entry.Expires <= now)
            {
                _pending.TryRemove(token, out _);
            }
        }
    }

    /// <summary>SHA-256 over a canonical form: object keys sorted, so key order does not change the hash.</summary>
    internal static byte[] Hash(string tool, IReadOnlyDictionary<string, JsonElement> arguments)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("tool", tool);
            writer.WriteStartObject("arguments");
            foreach (var (name, value) in arguments.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(name);
                WriteCanonical(writer, value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return SHA256.HashData(buffer.WrittenSpan);
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (JsonProperty p in value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(p.Name);
                    WriteCanonical(writer, p.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (JsonElement item in value.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }
}
