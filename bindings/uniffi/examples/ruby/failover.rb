# A failover to the secondary site from Ruby: the starting point for scripting olvm-dr through
# the uniffi bindings. Generate them as bindings/README.md shows, then:
#
#   OLVM_DR_FFI_BINDINGS=out/ruby LD_LIBRARY_PATH=target/debug ruby failover.rb MAPPING.yml [STATE_DIR]
#       fail over to the secondary site; passwords from OLVM_DR_SECONDARY_PASSWORD (and
#       OLVM_DR_PRIMARY_PASSWORD when the primary can still be reached), as for olvm-dr
#   ... ruby failover.rb --demo     the same against an in-memory fake world
#
# The plan is printed first; the failover runs only after you type "yes" (or with --demo).

# The generated code calls IO#wait_readable, which Ruby 3.1 does not load by default.
require "io/wait"
$LOAD_PATH.unshift(ENV.fetch("OLVM_DR_FFI_BINDINGS"))
require "olvm_dr_ffi"

include OlvmDrFfi

# Prints the run as it goes: one line per phase and per failed step.
class PrintProgress
  def on_event(event)
    case event
    when ProgressEvent::RUN_STARTED then puts "run #{event.run_id}: #{event.total} steps"
    when ProgressEvent::PHASE_STARTED then puts "--- #{event.title}"
    when ProgressEvent::STEP_FINISHED
      puts "FAILED #{event.summary}: #{event.error}" if event.outcome == StepOutcome::FAILED
    end
  end
end

# Fails `flows` over to the secondary site; the process exit code. One options record serves
# the plan and the run, so what was approved is what runs (Ruby records take every field).
def fail_over(flows, ask)
  options = FailoverOptions.new(
    start_vms: true, wait_for_vms: true, all_active_domains: false, partial_import: true,
    keep_bad_macs: false, force_reason: nil, domains: nil
  )
  begin
    plan = flows.plan_failover(Site::SECONDARY, options)
  rescue DrError::Planning => e
    e.diagnostics.each { |d| puts d.text }
    puts "the plan cannot be made; nothing was changed"
    return 1
  end
  puts plan.text
  if ask
    print "Run this plan? Type 'yes' to go on: "
    return 1 unless $stdin.gets&.strip == "yes"
  end
  report = flows.failover(Site::SECONDARY, options, nil, PrintProgress.new)
  puts
  puts report.summary
  report.verdict == Verdict::SUCCESS ? 0 : 1
end

def demo
  world = FakeWorld.new(WorldSize::SMALL, 7)
  # What happens in a disaster: the primary goes dark, its hosts' storage leases lapse, and the
  # storage administrator promotes the replicas on the secondary.
  world.disaster(Site::PRIMARY)
  world.expire_leases(Site::PRIMARY)
  world.stop_all_replication
  fail_over(FlowContext.new(world.mapping, nil, world.engine(Site::SECONDARY)), false)
end

def real(mapping_file, state_dir)
  mapping = OlvmDrFfi.load_mapping(mapping_file)
  if mapping.has_errors
    mapping.diagnostics.each { |d| puts d.text }
    return 2
  end
  secondary_password = ENV.fetch("OLVM_DR_SECONDARY_PASSWORD") { abort "set OLVM_DR_SECONDARY_PASSWORD" }
  secondary = Engine.from_mapping(mapping, Site::SECONDARY, secondary_password)
  # The primary is optional in a disaster; when it answers, the plan checks that it no longer
  # holds the storage (split-brain guard).
  primary_password = ENV["OLVM_DR_PRIMARY_PASSWORD"]
  primary = primary_password && Engine.from_mapping(mapping, Site::PRIMARY, primary_password)
  flows = FlowContext.new(mapping, primary, secondary, state_dir)
  begin
    fail_over(flows, true)
  ensure
    flows.logout
  end
end

code =
  begin
    case ARGV.first
    when "--demo" then demo
    when nil
      puts "usage: failover.rb MAPPING.yml [STATE_DIR] | --demo"
      2
    else real(ARGV[0], ARGV[1])
    end
  rescue DrError => e
    puts "error: #{e}"
    1
  end
exit(code)
