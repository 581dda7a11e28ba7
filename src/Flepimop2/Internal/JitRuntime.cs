namespace Flepimop2.Internal;

/// <summary>
/// Whether this process runs on a JIT (CoreCLR, as a build from source or a dotnet tool does) rather than being a Native AOT
/// program. <c>RuntimeFeature.IsDynamicCodeSupported</c> cannot tell: <c>PublishAot</c> writes it as false into the
/// runtimeconfig of the JIT build too. A JIT has compiled at least this process's entry point by the time anything asks;
/// a Native AOT program has no JIT, and its count is always zero.
/// </summary>
internal static class JitRuntime
{
    /// <summary>Whether methods of this process were compiled by a JIT.</summary>
    public static bool IsJit => System.Runtime.JitInfo.GetCompiledMethodCount() > 0;
}
