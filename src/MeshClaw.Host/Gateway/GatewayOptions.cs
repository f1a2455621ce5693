using MeshClaw.Core.Home;

namespace MeshClaw.Host.Gateway;

/// <summary>How <c>meshclaw up</c> (or a test) asks the gateway to start. Port 0 takes a free one.</summary>
public sealed record GatewayOptions(MeshClawHome Home, int? Port)
{
    /// <summary>The clock of everything inside; a test passes a fake one to move time without waiting.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where the gateway's own log lines go (warnings and errors); null keeps the console.</summary>
    public Action<Microsoft.Extensions.Logging.ILoggingBuilder>? Logging { get; init; }
}
