// A failover to the secondary site from Kotlin (or any JVM language): the starting point for
// embedding olvm-dr. Build and run it as bindings/README.md shows.
//
//   java ... FailoverKt MAPPING.yml [STATE_DIR]   fail over to the secondary site; the
//       passwords come from OLVM_DR_SECONDARY_PASSWORD (and OLVM_DR_PRIMARY_PASSWORD when the
//       primary can still be reached), as for the olvm-dr command
//   java ... FailoverKt --demo                    the same against an in-memory fake world
//
// The plan is printed first; the failover runs only after you type "yes" (or with --demo).

import kotlin.system.exitProcess
import uniffi.olvm_dr_ffi.*

/** Prints the run as it goes: one line per phase, per failed step, and per waiting step. */
class PrintProgress : ProgressListener {
    override fun onEvent(event: ProgressEvent) {
        when (event) {
            is ProgressEvent.RunStarted -> println("run ${event.runId}: ${event.total} steps")
            is ProgressEvent.PhaseStarted -> println("--- ${event.title}")
            is ProgressEvent.StepProgress -> println("    ${event.message}")
            is ProgressEvent.StepFinished ->
                if (event.outcome == StepOutcome.FAILED) println("FAILED ${event.summary}: ${event.error}")
            else -> {}
        }
    }
}

/**
 * Runs the failover of `flows` to the secondary site and returns the process exit code. One
 * options record serves the plan and the run, so what was approved is what runs.
 */
fun failOver(flows: FlowContext, ask: Boolean): Int {
    // The core's defaults, spelled out: start what was running and wait for it to be up.
    val options = FailoverOptions(startVms = true, waitForVms = true)
    val plan = try {
        flows.planFailover(Site.SECONDARY, options)
    } catch (e: DrException.Planning) {
        e.diagnostics.forEach { println(it.text) }
        println("the plan cannot be made; nothing was changed")
        return 1
    }
    println(plan.text)
    if (ask) {
        print("Run this plan? Type 'yes' to go on: ")
        if (readlnOrNull()?.trim() != "yes") return 1
    }
    val report = flows.failover(Site.SECONDARY, options, listener = PrintProgress())
    println()
    println(report.summary)
    // report.json is the same JSON report as `olvm-dr report show --output json`.
    return if (report.verdict == Verdict.SUCCESS) 0 else 1
}

fun demo(): Int =
    FakeWorld(WorldSize.SMALL).use { world ->
        // What happens in a disaster: the primary goes dark, its hosts' storage leases lapse,
        // and the storage administrator promotes the replicas on the secondary.
        world.disaster(Site.PRIMARY)
        world.expireLeases(Site.PRIMARY)
        world.stopAllReplication()
        FlowContext(world.mapping(), null, world.engine(Site.SECONDARY)).use { failOver(it, ask = false) }
    }

fun real(mappingFile: String, stateDir: String?): Int {
    val mapping = loadMapping(mappingFile)
    if (mapping.hasErrors()) {
        mapping.diagnostics().forEach { println(it.text) }
        return 2
    }
    val password = { site: String -> System.getenv("OLVM_DR_${site}_PASSWORD") }
    val secondary = Engine.fromMapping(
        mapping,
        Site.SECONDARY,
        password("SECONDARY") ?: error("set OLVM_DR_SECONDARY_PASSWORD"),
    )
    // The primary is optional in a disaster; when it answers, the plan checks that it no
    // longer holds the storage (split-brain guard).
    val primary = password("PRIMARY")?.let { Engine.fromMapping(mapping, Site.PRIMARY, it) }
    return FlowContext(mapping, primary, secondary, stateDir).use { flows ->
        try {
            failOver(flows, ask = true)
        } finally {
            flows.logout()
        }
    }
}

fun main(args: Array<String>) {
    val code = try {
        when {
            args.firstOrNull() == "--demo" -> demo()
            args.isNotEmpty() -> real(args[0], args.getOrNull(1))
            else -> {
                println("usage: FailoverKt MAPPING.yml [STATE_DIR] | --demo")
                2
            }
        }
    } catch (e: DrException) {
        println("error: $e")
        1
    }
    exitProcess(code)
}
