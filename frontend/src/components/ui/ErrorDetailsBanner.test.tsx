import { render, screen } from '@testing-library/react';
import { AxiosError, AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { ErrorDetailsBanner } from '@/components/ui/ErrorDetailsBanner';

const config = { headers: new AxiosHeaders() } as InternalAxiosRequestConfig;

function failed(details: { message: string }[]) {
  return new AxiosError('Request failed', AxiosError.ERR_BAD_REQUEST, config, {}, {
    status: 422,
    statusText: '',
    data: { error: { code: 'VALIDATION_ERROR', message: 'Check the form.', details } },
    headers: new AxiosHeaders(),
    config,
  });
}

describe('ErrorDetailsBanner', () => {
  it('shows nothing without an error', () => {
    const { container } = render(<ErrorDetailsBanner error={null} />);
    expect(container).toBeEmptyDOMElement();
  });

  it('lists the details when there are several', () => {
    render(<ErrorDetailsBanner error={failed([{ message: 'Name is taken.' }, { message: 'Key is too long.' }])} />);
    const banner = screen.getByRole('alert');
    expect(banner).toHaveTextContent('Check the form.');
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Name is taken.', 'Key is too long.']);
  });

  it('shows only the message when there is a single detail', () => {
    render(<ErrorDetailsBanner error={failed([{ message: 'Name is taken.' }])} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Check the form.');
    expect(screen.queryByRole('list')).not.toBeInTheDocument();
  });
});
