# shellcheck shell=bash
# Only the EC2 datasource unless the user says otherwise, as upstream's ubuntu element
# does: probing every datasource slows the first boot on clouds that have none of them.
export DIB_CLOUD_INIT_DATASOURCES=${DIB_CLOUD_INIT_DATASOURCES:-Ec2}
