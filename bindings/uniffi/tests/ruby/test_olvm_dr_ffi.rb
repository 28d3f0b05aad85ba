# The generated Ruby bindings, for real (ruby-ffi): validation of mapping files, a failover of
# the small fake world and its verification, and errors that mirror the Engine's error kinds.
#
# OLVM_DR_FFI_BINDINGS is the directory of the generated olvm_dr_ffi.rb; libolvm_dr_ffi.so must
# be on LD_LIBRARY_PATH (see .ci/run).

require "json"
require "minitest/autorun"
require "tempfile"
# The generated code calls IO#wait_readable, which Ruby 3.1 does not load by default.
require "io/wait"

$LOAD_PATH.unshift(ENV.fetch("OLVM_DR_FFI_BINDINGS"))
require "olvm_dr_ffi"

ROOT = File.expand_path("../../../..", __dir__)
OK = [OlvmDrFfi::StepOutcome::DONE, OlvmDrFfi::StepOutcome::ALREADY_DONE].freeze

# Collects the progress events of a run.
class Events
  attr_reader :events

  def initialize
    @events = []
  end

  def on_event(event)
    @events << event
  end
end

class TestOlvmDrFfi < Minitest::Test
  include OlvmDrFfi

  def up_on(engine)
    engine.vms.select { |v| v.status == "up" && !v.hosted_engine }.map(&:id).sort
  end

  def test_the_example_mapping_is_valid_and_summarised
    example = File.join(ROOT, "examples", "disaster_recovery_vars.yml")
    errors = OlvmDrFfi.validate_mapping(example, false).select { |d| d.severity == Severity::ERROR }
    assert_empty errors.map(&:text)
    summary = OlvmDrFfi.load_mapping(example).summary
    assert summary.storage_domains.positive?
    assert summary.primary_url.start_with?("https://")
  end

  def test_a_broken_mapping_gives_positioned_diagnostics
    Tempfile.create(["vars", ".yml"]) do |f|
      f.write("dr_sites_primary_url: [1, 2\n")
      f.flush
      found = OlvmDrFfi.validate_mapping(f.path)
      assert_equal [["DR0100", 1, 23]], found.map { |d| [d.code, d.line, d.column] }
      e = assert_raises(DrError::Validation) { OlvmDrFfi.load_mapping(f.path) }
      assert_equal "DR0100", e.diagnostics.first.code
    end
  end

  def test_failover_of_the_small_world_after_a_disaster
    world = FakeWorld.new(WorldSize::SMALL, 31)
    secondary = world.engine(Site::SECONDARY)
    was_up = up_on(world.engine(Site::PRIMARY))
    refute_empty was_up

    world.disaster(Site::PRIMARY)
    world.expire_leases(Site::PRIMARY)
    world.stop_all_replication
    flows = FlowContext.new(world.mapping, nil, secondary)
    # One options record (the core's defaults, spelled out) for the plan and the run.
    options = FailoverOptions.new(
      start_vms: true, wait_for_vms: true, all_active_domains: false, partial_import: true,
      keep_bad_macs: false, force_reason: nil, domains: nil
    )
    plan = flows.plan_failover(Site::SECONDARY, options)
    assert_equal FlowKind::FAILOVER, plan.kind
    events = Events.new
    report = flows.failover(Site::SECONDARY, options, nil, events)

    assert_equal Verdict::SUCCESS, report.verdict, report.summary
    assert_equal 0, report.counts.failed
    assert_equal world.vm_count, report.vms.count { |v| OK.include?(v.registered) }
    assert_equal was_up, report.vms.select { |v| OK.include?(v.up) }.map(&:id).sort
    assert_empty was_up - up_on(secondary)
    assert_kind_of ProgressEvent::RUN_STARTED, events.events.first
    assert_kind_of ProgressEvent::RUN_FINISHED, events.events.last
    assert_equal "success", JSON.parse(report.json)["verdict"]
    assert_empty report.recovery_groups, "no recovery plan: no groups"
    assert_empty report.recovery_hooks

    verified = flows.verify(Site::SECONDARY, nil, true)
    assert verified.clean, verified.text
    assert_nil verified.run_id
    assert verified.vms.positive?
    assert_equal "secondary", JSON.parse(verified.json)["site"]
  end

  def test_errors_mirror_the_engine_error_kinds
    world = FakeWorld.new(WorldSize::SMALL)
    world.disaster(Site::PRIMARY)
    flows = FlowContext.new(world.mapping, world.engine(Site::PRIMARY), world.engine(Site::SECONDARY))
    e = assert_raises(DrError::Unreachable) { flows.plan_failover(Site::PRIMARY) }
    assert_includes e.reason, "primary"
    cleanup = CleanupOptions.new(power_off: false, remove_orphans: false, force_remove: false, domains: [""])
    e = assert_raises(DrError::Config) { flows.plan_cleanup(Site::SECONDARY, cleanup) }
    assert_includes e.reason, "domain name is empty"
    assert_raises(DrError::Config) { Engine.rest("ftp://engine/ovirt-engine/api", "admin@internal", "s3cret-pw") }
  end
end
