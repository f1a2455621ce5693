using MeshClaw.Core.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Host.Safety;

/// <summary>
/// Wraps the gateway's log providers so that every line (message and exception text alike) has secret values
/// redacted before it is written: error messages from providers, mail servers and tools can quote a secret.
/// </summary>
public sealed class RedactingLoggerProvider(ILoggerProvider inner, ISecretRedactor redactor) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(inner.CreateLogger(categoryName), redactor);

    public void Dispose() => inner.Dispose();

    /// <summary>Replaces every registered log provider by its redacting wrapper.</summary>
    public static void Wrap(IServiceCollection services)
    {
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != typeof(ILoggerProvider) || descriptor.IsKeyedService)
            {
                continue;
            }

            services[i] = ServiceDescriptor.Singleton<ILoggerProvider>(sp => new RedactingLoggerProvider(Create(sp, descriptor), sp.GetRequiredService<ISecretRedactor>()));
        }
    }

    private static ILoggerProvider Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        (ILoggerProvider)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));

    private sealed class Logger(ILogger inner, ISecretRedactor redactor) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, null, (s, e) => redactor.Redact(formatter(s, null) + (exception is null ? "" : Environment.NewLine + exception)));
    }
}
