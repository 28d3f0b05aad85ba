// The generated Kotlin bindings, for real on the JVM (JNA): validation of mapping files, a
// failover, a switchover and a drill of the small fake world, and errors that mirror the
// Engine's error kinds. A plain main() (no test framework is available offline): it prints
// "kotlin: N passed, M failed" and exits non-zero when a check fails.
//
// Run by .ci/run; the repository root comes as the first argument.

import java.io.File
import java.nio.file.Files
import kotlin.system.exitProcess
import uniffi.olvm_dr_ffi.*

private var passed = 0
private var failed = 0

private fun check(name: String, body: () -> Unit) {
    try {
        body()
        passed++
        println("ok   $name")
    } catch (e: Throwable) {
        failed++
        println("FAIL $name: $e")
        e.printStackTrace()
    }
}

private fun expect(condition: Boolean, message: () -> String) {
    if (!condition) throw AssertionError(message())
}

private inline fun <reified T : Throwable> raises(body: () -> Unit): T {
    try {
        body()
    } catch (e: Throwable) {
        if (e is T) return e
        throw AssertionError("expected ${T::class.simpleName}, got $e")
    }
    throw AssertionError("expected ${T::class.simpleName}, nothing was raised")
}

private fun upOn(engine: Engine): Set<String> =
    engine.vms().filter { it.status == "up" && !it.hostedEngine }.map { it.id }.toSet()

private val OK = setOf(StepOutcome.DONE, StepOutcome.ALREADY_DONE)

private class Events : ProgressListener {
    val events = mutableListOf<ProgressEvent>()
    override fun onEvent(event: ProgressEvent) {
        events.add(event)
    }
}

fun main(args: Array<String>) {
    val root = File(args.firstOrNull() ?: ".")

    check("the example mapping is valid and summarised") {
        val example = File(root, "examples/disaster_recovery_vars.yml").path
        val errors = validateMapping(example, checkCaFiles = false).filter { it.severity == Severity.ERROR }
        expect(errors.isEmpty()) { errors.joinToString("\n") { it.text } }
        loadMapping(example).use { mapping ->
            val summary = mapping.summary()
            expect(summary.storageDomains > 0u) { "no storage domains in $summary" }
            expect(summary.primaryUrl?.startsWith("https://") == true) { "$summary" }
        }
    }

    check("a broken mapping gives positioned diagnostics") {
        val bad = Files.createTempFile("vars", ".yml").toFile()
        bad.writeText("dr_sites_primary_url: [1, 2\n")
        val found = validateMapping(bad.path)
        expect(found.map { Triple(it.code, it.line, it.column) } == listOf(Triple("DR0100", 1u, 23u))) { "$found" }
        val e = raises<DrException.Validation> { loadMapping(bad.path) }
        expect(e.diagnostics.first().code == "DR0100") { "${e.diagnostics}" }
        bad.delete()
    }

    check("failover of the small world after a disaster") {
        FakeWorld(WorldSize.SMALL, seed = 21uL).use { world ->
            val secondary = world.engine(Site.SECONDARY)
            val wasUp = upOn(world.engine(Site.PRIMARY))
            expect(wasUp.isNotEmpty()) { "nothing runs on the primary" }
            world.disaster(Site.PRIMARY)
            world.expireLeases(Site.PRIMARY)
            world.stopAllReplication()
            val flows = FlowContext(world.mapping(), null, secondary)
            val plan = flows.planFailover(Site.SECONDARY)
            expect(plan.kind == FlowKind.FAILOVER && plan.steps > 0uL) { "$plan" }
            val events = Events()
            val report = flows.failover(Site.SECONDARY, listener = events)
            expect(report.verdict == Verdict.SUCCESS) { report.summary }
            expect(report.counts.failed == 0uL) { report.summary }
            val registered = report.vms.count { it.registered in OK }
            expect(registered.toUInt() == world.vmCount()) { "$registered of ${world.vmCount()} registered" }
            expect(report.vms.filter { it.up in OK }.map { it.id }.toSet() == wasUp) { report.summary }
            expect(upOn(secondary).containsAll(wasUp)) { "not every VM that was up is up" }
            expect(events.events.first() is ProgressEvent.RunStarted) { "${events.events.first()}" }
            expect(events.events.last() is ProgressEvent.RunFinished) { "${events.events.last()}" }
            expect(report.json.contains("\"verdict\": \"success\"")) { report.json.take(400) }
            expect(report.recoveryGroups.isEmpty() && report.recoveryHooks.isEmpty()) { "no recovery plan" }
        }
    }

    check("a planned switchover waits at the storage gate") {
        FakeWorld(WorldSize.SMALL, seed = 22uL).use { world ->
            val primary = world.engine(Site.PRIMARY)
            val secondary = world.engine(Site.SECONDARY)
            val wasUp = upOn(primary)
            var asked = 0
            val gate = object : StorageGate {
                override fun waitReady(description: String, gate: String, site: Site): String {
                    expect(gate == "storage-gate" && site == Site.SECONDARY) { "$gate on $site" }
                    asked++
                    world.reverseAllReplication()
                    return "replication reversed by the test"
                }
            }
            val report = FlowContext(world.mapping(), primary, secondary).switchover(Site.SECONDARY, gate)
            expect(report.verdict == Verdict.SUCCESS) { report.summary }
            expect(asked == 1) { "the gate was asked $asked times" }
            expect(upOn(secondary) == wasUp) { "the running VMs did not move" }
            expect(upOn(primary).isEmpty()) { "VMs still run on the primary" }
        }
    }

    check("a drill runs beside the primary, is verified and ends") {
        FakeWorld(WorldSize.SMALL, seed = 23uL, vms = 6u).use { world ->
            // The split copies' sanlock leases expire at once instead of after sanlock's 80 s.
            world.setLeaseTimeoutMs(0uL)
            val primary = world.engine(Site.PRIMARY)
            val secondary = world.engine(Site.SECONDARY)
            val primaryBefore = world.snapshotJson(Site.PRIMARY)
            val state = Files.createTempDirectory("olvm-dr-drill").toFile()
            val passed = mutableListOf<String>()
            val arrays = object : StorageGate {
                override fun waitReady(description: String, gate: String, site: Site): String {
                    when (gate) {
                        "split-replication" -> world.isolateAllReplication()
                        "resume-replication" -> world.resyncAllReplication()
                        else -> throw DrException.Config("unexpected gate $gate")
                    }
                    passed.add("$gate@$site")
                    return "$gate done"
                }
            }
            FlowContext(world.mapping(), primary, secondary, state.path).use { flows ->
                val drill = flows.drillStart(Site.SECONDARY, arrays, DrillOptions(isolation = "unplugged"))
                expect(drill.verdict == Verdict.SUCCESS && drill.drill) { drill.summary }
                expect(world.snapshotJson(Site.PRIMARY) == primaryBefore) { "the drill changed the primary" }
                val nics = secondary.vms().flatMap { it.nics }
                expect(nics.isNotEmpty() && nics.all { !it.plugged }) { "$nics" }
                val verified = flows.verify(Site.SECONDARY)
                expect(verified.clean && verified.drill && verified.runId == drill.runId) { verified.text }
                val end = flows.drillEnd(Site.SECONDARY, arrays)
                expect(end.verdict == Verdict.SUCCESS) { end.summary }
            }
            expect(passed == listOf("split-replication@SECONDARY", "resume-replication@SECONDARY")) { "$passed" }
            state.deleteRecursively()
        }
    }

    check("errors mirror the Engine error kinds and hide the password") {
        FakeWorld(WorldSize.SMALL).use { world ->
            world.disaster(Site.PRIMARY)
            val flows = FlowContext(world.mapping(), world.engine(Site.PRIMARY), world.engine(Site.SECONDARY))
            val e = raises<DrException.Unreachable> { flows.planFailover(Site.PRIMARY) }
            expect(e.reason.contains("primary")) { e.reason }
            // An option value the core refuses says which option and what to give.
            val bad = raises<DrException.Config> { flows.planDrill(Site.SECONDARY, DrillOptions(isolation = "isolated")) }
            expect(bad.reason.contains("isolation") && bad.reason.contains("profile=NAME")) { bad.reason }
        }
        raises<DrException.Config> { Engine.rest("ftp://engine/ovirt-engine/api", "admin@internal", "s3cret-pw") }
        val engine = Engine.rest("https://engine.example/ovirt-engine/api", "admin@internal", "s3cret-pw")
        expect(!engine.describe().contains("s3cret-pw")) { engine.describe() }
        val ca = raises<DrException.Config> {
            Engine.rest("https://engine.example/ovirt-engine/api", "admin@internal", "s3cret-pw", caFile = "/nonexistent.pem")
        }
        expect(ca.reason.contains("/nonexistent.pem") && !ca.reason.contains("s3cret-pw")) { ca.reason }
    }

    println("kotlin: $passed passed, $failed failed")
    exitProcess(if (failed == 0) 0 else 1)
}
