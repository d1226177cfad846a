using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Shared.Pipeline;

/// <summary>
/// A stateless HTTP service sees a client's name and version only in its <c>initialize</c> request; every later
/// request stands alone. This remembers them per caller (in <see cref="ISharedState"/> when replicas share one, so any
/// replica can name the client in its audit line). Registered in HTTP mode only.
/// </summary>
public sealed class ClientDirectory(ISharedState? shared = null)
{
    private const int MaxRemembered = 10_000;
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);
    // Also a minute's cache in front of the shared store: one Redis read per caller and minute, not per call.
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);
    // A caller whose client is not known yet (its initialize went to another replica a moment ago, or never happened)
    // is asked for again after this, not on every call.
    private static readonly TimeSpan MissCacheFor = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, (Implementation? Client, DateTimeOffset Until)> _local = new(StringComparer.Ordinal);

    /// <summary>The incoming-message stage: notes the client of an authenticated <c>initialize</c>.</summary>
    internal async Task InvokeAsync(MessageContext context, McpMessageHandler next, CancellationToken cancellationToken)
    {
        if (context.JsonRpcMessage is JsonRpcRequest { Method: RequestMethods.Initialize, Params: JsonObject parameters }
            && Caller.From(context.User) is { } caller
            && parameters["clientInfo"] is JsonObject info
            && info["name"] is JsonValue name && name.GetValueKind() == JsonValueKind.String)
        {
            string version = info["version"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : string.Empty;
            await RememberAsync(caller, new Implementation { Name = Cut(name.GetValue<string>()), Version = Cut(version) });
        }

        await next(context, cancellationToken);
    }

    public async Task RememberAsync(Caller caller, Implementation client)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(client);
        if (shared is not null)
        {
            await shared.SetAsync(Key(caller), client.Name + "\n" + client.Version, Lifetime);
        }

        Cache(Key(caller), client, shared is null ? Lifetime : CacheFor);
    }

    public async Task<Implementation?> LookupAsync(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        string key = Key(caller);
        if (_local.TryGetValue(key, out var cached) && cached.Until > DateTimeOffset.UtcNow)
        {
            return cached.Client;
        }

        if (shared is null)
        {
            return null;
        }

        if (await shared.GetAsync(key) is not { } stored || stored.Split('\n') is not [var name, var version])
        {
            Cache(key, null, MissCacheFor);
            return null;
        }

        var client = new Implementation { Name = name, Version = version };
        Cache(key, client, CacheFor);
        return client;
    }

    private void Cache(string key, Implementation? client, TimeSpan lifetime)
    {
        if (_local.Count >= MaxRemembered)
        {
            _local.Clear();
        }

        _local[key] = (client, DateTimeOffset.UtcNow + lifetime);
    }

    private static string Key(Caller caller) => "client:" + caller.Subject + "\n" + caller.ClientId;

    private static string Cut(string value) => value.Length <= 128 ? value : value[..128];
}
