using System.Security.Claims;

namespace MeshClaw.Host.Access;

/// <summary>Who a signed-in dashboard is: the owner, through the dashboard door, at a keyboard.</summary>
public static class DashboardPrincipal
{
    public static ClaimsPrincipal Owner() => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, MeshClawClaims.Owner), new Claim(MeshClawClaims.Channel, AccessSchemes.Dashboard), new Claim(MeshClawClaims.Interactive, "true")],
        AccessSchemes.Dashboard));
}
