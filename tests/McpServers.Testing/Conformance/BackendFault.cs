using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Testing.Conformance;

/// <summary>
/// A real fault the server's real gateway meets at its transport: <see cref="StartAsync"/> starts the misbehaving
/// backend (a loopback fake, a closed port) and says how to point the server at it.
/// </summary>
public sealed record BackendFault(string Name, Func<CancellationToken, Task<BrokenBackend>> StartAsync)
{
    public override string ToString() => Name;
}

/// <summary>A started fault: the settings (and services) that point the server at it, and what must never leak from it.</summary>
public sealed class BrokenBackend(IReadOnlyDictionary<string, string?> settings, IAsyncDisposable? fake = null) : IAsyncDisposable
{
    public IReadOnlyDictionary<string, string?> Settings { get; } = settings;

    /// <summary>Services replaced for this fault (a backend without a transport, such as the test server's).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>Where the fake listens, which the model must never be told (its port is checked for).</summary>
    public int? Port { get; init; }

    public ValueTask DisposeAsync() => fake?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>
/// The text every fake hands back where a real backend might: an internal host and a stack trace. None of it may reach
/// a result or an audit line.
/// </summary>
public static class FaultCanary
{
    public const string Marker = "CANARY";

    public const string InternalHost = "db-9.corp.internal";

    public static readonly string Text =
        $"{Marker}-{InternalHost}:5432-s3cr3t System.InvalidOperationException: connection to {InternalHost}:5432 refused\n" +
        "   at Corp.Internal.Billing.Db.Query(String sql) in /src/billing/Db.cs:line 42\n" +
        "   at Corp.Internal.Billing.Api.Handle(HttpContext context) in /src/billing/Api.cs:line 7\n";

    /// <summary>What a leak of <see cref="Text"/> (or of a stack trace of ours) looks like.</summary>
    public static IEnumerable<string> Fragments => [Marker, InternalHost, "   at ", ".cs:line"];
}
