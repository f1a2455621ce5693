using MeshClaw.Host.Home;

namespace MeshClaw.Host.Gateway;

/// <summary>How <c>meshclaw up</c> was asked to start.</summary>
public sealed record GatewayOptions(MeshClawHome Home, int? Port);
