using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Testing.Conformance;

/// <summary>
/// A bug (an exception that is not a backend failure) injected where the server meets its backend, without any
/// per-gateway code: a new gateway method costs nothing here.
/// </summary>
public static class TransportBugs
{
    /// <summary>Every request of every HTTP client the server creates throws <paramref name="bug"/> before it is sent.</summary>
    public static void ThrowFromEveryHttpRequest(IServiceCollection services, Exception bug) =>
        services.ConfigureHttpClientDefaults(b => b.AddHttpMessageHandler(() => new ThrowingHandler(bug)));

    /// <summary>
    /// Every call into <typeparamref name="T"/> (a backend interface with no HTTP client, e.g. a database gateway whose
    /// driver owns its sockets) throws <paramref name="bug"/>; disposing it does not.
    /// </summary>
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Test kit only: never published with NativeAOT.")]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Test kit only: never trimmed.")]
    public static void ThrowFromEveryCall<T>(IServiceCollection services, Exception bug) where T : class
    {
        T proxy = DispatchProxy.Create<T, ThrowingProxy>();
        ((ThrowingProxy)(object)proxy).Bug = bug;
        services.AddSingleton(proxy);
    }

    private sealed class ThrowingHandler(Exception bug) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => throw bug;
    }

    /// <summary>Public and unsealed because <see cref="DispatchProxy"/> derives from it.</summary>
#pragma warning disable CA1852
    public class ThrowingProxy : DispatchProxy
#pragma warning restore CA1852
    {
        internal Exception? Bug { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            nameof(IAsyncDisposable.DisposeAsync) => ValueTask.CompletedTask,
            nameof(IDisposable.Dispose) => null,
            _ => throw Bug!,
        };
    }
}
