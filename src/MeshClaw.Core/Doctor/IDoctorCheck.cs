using MeshClaw.Core.Configuration;
using MeshClaw.Core.Home;

namespace MeshClaw.Core.Doctor;

/// <summary>A posture check a module adds to <c>meshclaw doctor</c>; it reads the home folder and config only (the gateway need not run).</summary>
public interface IDoctorCheck
{
    Task<IReadOnlyList<Finding>> CheckAsync(MeshClawHome home, ConfigSections config, CancellationToken cancellationToken);
}
